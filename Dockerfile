# paperboy: `docker build -t paperboy . && docker run -e SLACK_BOT_TOKEN=… -v paperboy:/data paperboy`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PAPERBOY_STORE_PATH=/data/paperboy.sqlite3 \
    NUMBA_CACHE_DIR=/data/numba-cache

RUN useradd --create-home --uid 10001 paperboy \
    && mkdir /data && chown paperboy:paperboy /data

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install .

USER paperboy
VOLUME ["/data"]
# Slack HTTP mode listens here when configured (PAPERBOY_SLACK_MODE=http). Inside a
# container loopback is unreachable from the proxy, so listen on every interface and
# publish the port only to the proxy (e.g. -p 127.0.0.1:3000:3000).
ENV PAPERBOY_SLACK_HTTP_HOST=0.0.0.0
EXPOSE 3000
CMD ["paperboy", "run"]
