#include "runtime/deferred_answer.hpp"

#include <memory>

#include "runtime/plugin_slot.hpp"
#include "runtime/runtime.hpp"

namespace agent_host::runtime {

RequestFacts Answering::facts() const {
  return RequestFacts{began, request->request_id, request->method,
                      router::public_path(slot->prefix(), *route_pattern), request->in_process};
}

DeferredAnswer::DeferredAnswer(Runtime& runtime, PluginSlot& slot, RequestFacts facts,
                               HttpResponse response)
    : runtime_(runtime), slot_(slot), facts_(std::move(facts)), response_(std::move(response)) {}

ah_response* DeferredAnswer::defer(ah_response& during_handler) {
  Answering* answering = during_handler.answering;
  if (!answering || answering->deferred) return nullptr;
  // Allocated before the server hands over its connection, so running out
  // of memory here leaves the handler able to answer now.
  std::unique_ptr<DeferredAnswer> answer(new DeferredAnswer(*answering->runtime, *answering->slot,
                                                            answering->facts(),
                                                            std::move(*during_handler.response)));
  answer->target_ = answering->later();
  answering->slot->deferred_started();
  answering->deferred = &answer->handle_;
  return &answer.release()->handle_;
}

void DeferredAnswer::finish(ah_response* deferred, ah_status status, std::string_view error) {
  DeferredAnswer* answer = deferred->deferred;
  PluginSlot& slot = answer->slot_;
  try {
    if (status != AH_OK)
      answer->response_ = answer->runtime_.handler_failed(slot, answer->facts_, std::string(error),
                                                          answer->response_.series);
    answer->runtime_.conclude(answer->response_, answer->facts_);
    answer->target_(std::move(answer->response_));
  } catch (...) {
    // Out of memory while answering: the client times out; the slot must not wait forever.
  }
  delete answer;
  slot.deferred_finished();  // last: the slot may be destroyed once the count is zero
}

}  // namespace agent_host::runtime
