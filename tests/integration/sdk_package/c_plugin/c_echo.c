/* c-echo: a plugin in plain C99 against abi.h alone. It proves the contract
 * needs no C++: one route that echoes the request body, one counter, one log. */
#include <agent_host/abi.h>
#include <stdlib.h>
#include <string.h>

struct ah_plugin_instance {
  const ah_host_api* api;
  ah_host* host;
  ah_metric* echoes;
};

static ah_str text(const char* s) {
  ah_str out;
  out.data = s;
  out.size = strlen(s);
  return out;
}

static void write_text(ah_sink* sink, const char* s) {
  if (sink && sink->append) sink->append(sink->state, s, strlen(s));
}

static ah_status echo(void* user, const ah_request* request, ah_response* response,
                      ah_sink* error) {
  struct ah_plugin_instance* self = (struct ah_plugin_instance*)user;
  size_t i;
  ah_str content_type = text("application/octet-stream");
  (void)error;
  for (i = 0; i < request->header_count; ++i) {
    const ah_pair* header = &request->headers[i];
    if (header->name.size == 12 && memcmp(header->name.data, "content-type", 12) == 0)
      content_type = header->value;
  }
  self->api->metric_add(self->echoes, 1.0);
  self->api->response_set_status(response, 200);
  self->api->response_set_body(response, request->body, content_type);
  return AH_OK;
}

static ah_plugin_instance* create(const ah_host_api* api, ah_host* host, ah_str config_json,
                                  ah_sink* error) {
  struct ah_plugin_instance* self;
  ah_route route;
  (void)config_json;
  if (api->abi_major != AH_ABI_MAJOR) {
    write_text(error, "c-echo: host ABI major differs");
    return NULL;
  }
  self = (struct ah_plugin_instance*)calloc(1, sizeof *self);
  if (!self) {
    write_text(error, "c-echo: out of memory");
    return NULL;
  }
  self->api = api;
  self->host = host;
  self->echoes = api->metric(host, AH_METRIC_COUNTER, text("echoes_total"), text("Bodies echoed"),
                             text(""), NULL, 0, error);
  if (!self->echoes) {
    free(self);
    return NULL;
  }
  memset(&route, 0, sizeof route);
  route.struct_size = sizeof route;
  route.method = text("POST");
  route.path = text("/echo");
  route.summary = text("Answers with the request body");
  route.request_schema_json = text("");
  route.response_schema_json = text("");
  route.handler = echo;
  route.user = self;
  if (api->route_add(host, &route, error) != AH_OK) {
    free(self);
    return NULL;
  }
  api->log(host, AH_LOG_INFO, text("c-echo created"), text("{\"language\":\"C99\"}"));
  return self;
}

static ah_status start(ah_plugin_instance* self, ah_sink* error) {
  (void)self;
  (void)error;
  return AH_OK;
}

static ah_status reload(ah_plugin_instance* self, ah_str config_json, ah_sink* error) {
  (void)self;
  (void)config_json;
  (void)error;
  return AH_OK;
}

static void stop(ah_plugin_instance* self) {
  (void)self;
}

static void destroy(ah_plugin_instance* self) {
  free(self);
}

static ah_health_state health(ah_plugin_instance* self, ah_sink* detail_json) {
  (void)self;
  write_text(detail_json, "{\"language\":\"C99\"}");
  return AH_HEALTH_OK;
}

AH_EXPORT const ah_plugin_descriptor* agent_host_plugin_entry(void) {
  static const ah_plugin_descriptor descriptor = {
      AH_ABI_MAJOR,
      AH_ABI_MINOR,
      sizeof(ah_plugin_descriptor),
      "c-echo",
      "1.0.0",
      "/c-echo",
      "Echoes request bodies (a plugin in plain C)",
      "{\"type\":\"object\",\"additionalProperties\":false}",
      create,
      start,
      reload,
      stop,
      destroy,
      health};
  return &descriptor;
}
