#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return agent_host::cli::main(argc, argv);
}
