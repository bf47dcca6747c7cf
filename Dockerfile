# paperboy: `docker build -t paperboy . && docker run -e SLACK_BOT_TOKEN=… -v paperboy:/data paperboy`
#
# The base image is pinned by the digest of its multi-arch index (Python 3.11.17, Debian
# bookworm): Docker moves a tag whenever it rebuilds the image, never a digest. To move on,
# look up the current digest of the tag you want (`docker buildx imagetools inspect
# python:3.11-slim-bookworm`), put tag and digest here together, and run the tests.
FROM python:3.11.17-slim-bookworm@sha256:2333bd330d12de02514770b3585cad313644316047cdee24a7acfdece6de6efb

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PAPERBOY_STORE_PATH=/data/paperboy.sqlite3 \
    NUMBA_CACHE_DIR=/home/paperboy/numba-cache

RUN useradd --create-home --uid 10001 paperboy \
    && mkdir /data && chown paperboy:paperboy /data

WORKDIR /app
# Exactly the locked versions, each checked against its hash (regenerate: bash .ci/lock).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install --no-deps .

USER paperboy
# numba's cache is pickles that it loads, that is runs, when paperboy starts: it must not
# live on the /data volume, which others may be able to write (another container, a
# restored backup, the host). numba only uses a cache directory it can write to (it checks
# by creating a file there) and silently skips a read-only one, so the cache is the app
# user's own, in the image, written only by the process that loads it; compiling it here
# spares the first search after each start the wait for the compiler.
RUN python -c "from paperboy.search import warm_up; warm_up()"
# matplotlib's font list (for `trend` charts) likewise, into ~/.cache/matplotlib.
RUN python -c "import matplotlib.font_manager"

VOLUME ["/data"]
# Slack HTTP mode listens here when configured (PAPERBOY_SLACK_MODE=http). Inside a
# container loopback is unreachable from the proxy, so listen on every interface and
# publish the port only to the proxy (e.g. -p 127.0.0.1:3000:3000).
ENV PAPERBOY_SLACK_HTTP_HOST=0.0.0.0
EXPOSE 3000
# The operations endpoint (/livez, /readyz, /metrics) likewise, for probes and Prometheus
# (deploy/prometheus.yml); it has no authentication: publish it only where they are.
ENV PAPERBOY_OPS_HOST=0.0.0.0
EXPOSE 9464
CMD ["paperboy", "run"]
