// Swagger UI, served from /docs: its page and the files of npm's
// swagger-ui-dist installed with the product.
#pragma once

#include <string>

#include "runtime/http_types.hpp"

namespace agent_host::runtime {

// The page at /docs, or a 404 saying how to install Swagger UI.
HttpResponse docs_page(const HttpRequest& request);
// /docs/{name}: one file of Swagger UI.
HttpResponse docs_file(const std::string& name, const HttpRequest& request);

}  // namespace agent_host::runtime
