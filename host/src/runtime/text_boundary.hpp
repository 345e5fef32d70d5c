// What a plugin is handed as text must be text: the request's decoded path
// parameters, query, header values and (textual) body are checked for UTF-8
// before the plugin sees them, so a client's stray bytes are its own 400,
// never the plugin's 500 when it echoes or stores them.
#pragma once

#include <optional>
#include <string>

#include "router/route_pattern.hpp"
#include "runtime/http_types.hpp"

namespace agent_host::runtime {

// The first part of `request` that is not valid UTF-8, as a 400 answer naming
// it ("path.id", "query.q", "header.user-agent", "body"); nullopt when all is.
// The body is checked when its Content-Type is absent or textual (text/*,
// JSON, YAML, XML, forms); other media types pass as bytes.
std::optional<HttpResponse> refuse_invalid_text(const HttpRequest& request,
                                                const router::Params& path_params,
                                                const router::Params& query);

}  // namespace agent_host::runtime
