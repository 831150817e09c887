"""A loopback HTTP server answering fixed documents (a DCAT feed, a spreadsheet) for the
harvest source tests; the test changes ``pages`` between runs."""
import hashlib
import http.server
import threading


class StaticServer:
    def __init__(self, pages=None):
        self.pages = dict(pages or {})  # path -> (bytes, content type)
        self.requests = []
        self.conditional = False  # ETag sent, If-None-Match answered 304 when it matches
        self.answers = []  # status of each answer
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def _handler(static):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                static.requests.append(self.path)
                body, content_type = static.pages.get(self.path, (b"not found", None))
                etag = '"%s"' % hashlib.sha1(body).hexdigest()
                if static.conditional and content_type and \
                        self.headers.get("If-None-Match") == etag:
                    static.answers.append(304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                static.answers.append(200 if content_type else 404)
                self.send_response(200 if content_type else 404)
                if static.conditional:
                    self.send_header("ETag", etag)
                self.send_header("Content-Type", content_type or "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
