-- POST a small form body (the bare insert-one-row baseline).
wrk.method = "POST"
wrk.body = "text=hello+world"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept-Encoding"] = "gzip"
