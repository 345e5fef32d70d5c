#include "runtime/deferred_response.hpp"

#include <memory>
#include <utility>

#include "runtime/dispatcher.hpp"
#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {

RequestFacts HandlerCall::facts() const {
  return RequestFacts{began, request->request_id, request->method,
                      router::public_path(slot->prefix(), *route_pattern), request->in_process};
}

DeferredResponse::DeferredResponse(Dispatcher& dispatcher, PluginSlot& slot, RequestFacts facts,
                                   HttpResponse response, Completion done)
    : dispatcher_(dispatcher),
      slot_(slot),
      facts_(std::move(facts)),
      response_(std::move(response)),
      done_(std::move(done)) {}

ah_response* DeferredResponse::defer(ah_response& during_handler) {
  HandlerCall* call = during_handler.call;
  if (!call || call->deferred) return nullptr;
  // Everything that may throw comes before the Completion is taken, so
  // running out of memory here leaves the handler able to answer now.
  RequestFacts facts = call->facts();
  std::unique_ptr<DeferredResponse> deferred(new DeferredResponse(
      *call->dispatcher, *call->slot, std::move(facts), HttpResponse{}, Completion{}));
  deferred->response_ = std::move(*during_handler.response);
  deferred->done_ = std::move(*call->done);
  call->slot->deferred_started();
  call->deferred = &deferred->handle_;
  return &deferred.release()->handle_;
}

void DeferredResponse::finish(ah_response* handle, ah_status status, std::string_view error) {
  DeferredResponse* deferred = handle->deferred;
  PluginSlot& slot = deferred->slot_;
  try {
    if (status != AH_OK)
      deferred->response_ = deferred->dispatcher_.handler_failed(
          slot, deferred->facts_, std::string(error), deferred->response_.series);
    deferred->dispatcher_.conclude(deferred->response_, deferred->facts_);
    deferred->done_(std::move(deferred->response_));
  } catch (...) {
    // Out of memory while answering: the client times out; the slot must not wait forever.
  }
  delete deferred;
  slot.deferred_finished();  // last: the slot may be destroyed once the count is zero
}

}  // namespace agent_host::runtime
