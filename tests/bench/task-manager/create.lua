-- wrk: POST /task/tasks with a small task body on every request.
wrk.method = "POST"
wrk.body = '{"title":"Benchmark task","priority":"high","assignee":"ada","tags":["bench"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Connection"] = "keep-alive"
