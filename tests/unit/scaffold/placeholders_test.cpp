#include "scaffold/placeholders.hpp"

#include <gtest/gtest.h>

namespace {

using agent_host::scaffold::placeholders_for;
using agent_host::scaffold::render;

TEST(Placeholders, EachFormOfTheName) {
  EXPECT_EQ(render("SCAFFOLD_PLUGIN_NAME SCAFFOLD_IDENTIFIER SCAFFOLD_NAMESPACE SCAFFOLD_CAMEL",
                   placeholders_for("demo-notes")),
            "demo-notes demo_notes demo_notes_plugin DemoNotes");
}

TEST(Placeholders, DigitsAndRepeatedDashesStayValidIdentifiers) {
  EXPECT_EQ(render("SCAFFOLD_CAMEL SCAFFOLD_IDENTIFIER", placeholders_for("a--2b-")), "A2b a__2b_");
}

TEST(Placeholders, AKeywordNameStillGivesAUsableNamespace) {
  EXPECT_EQ(render("namespace SCAFFOLD_NAMESPACE", placeholders_for("new")),
            "namespace new_plugin");
}

TEST(Placeholders, AdjacentTextIsKeptAndValuesAreNotRescanned) {
  EXPECT_EQ(
      render("agent_SCAFFOLD_IDENTIFIER_total createSCAFFOLD_CAMELEntry", placeholders_for("x")),
      "agent_x_total createXEntry");
  EXPECT_EQ(render("SCAFFOLD_PLUGIN_NAME",
                   {{"SCAFFOLD_PLUGIN_NAME", "SCAFFOLD_CAMEL"}, {"SCAFFOLD_CAMEL", "wrong"}}),
            "SCAFFOLD_CAMEL");
}

}  // namespace
