// http_server: in progress
