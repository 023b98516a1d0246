# A slim, non-root image of nudgebot that runs `nudgebot run`.
# It installs the project with scripts/install: the same step scripts/bootstrap runs for
# developers and CI (pip, every package pinned by constraints.txt), on the Python CI tests with.
ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# A fixed numeric user, so orchestrators can check it is not root (runAsNonRoot).
RUN groupadd --system --gid 10001 nudgebot \
    && useradd --system --uid 10001 --gid nudgebot --home-dir /app nudgebot

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY scripts/install ./scripts/install
COPY bot ./bot
COPY nudges ./nudges
COPY storage ./storage
RUN scripts/install python . \
    && mkdir -p /data && chown nudgebot:nudgebot /data

USER 10001:10001
WORKDIR /data
# SQLite by default (a volume at /data); set NUDGEBOT_DATABASE_URL for PostgreSQL, and run
# `nudgebot migrate` once per release before starting the new version.
VOLUME ["/data"]
# [server] port: Slack's HTTP mode, Teams, /healthz, /readyz and /metrics.
EXPOSE 3000
# Liveness only (the process answers); readiness is /readyz. Another [server] port: override
# the health check (`docker run --health-cmd`, compose `healthcheck:`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
# SIGTERM stops it gracefully: sends in flight finish ([server] shutdown_grace_seconds), the
# rest is handed back to the other replicas, and it exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["nudgebot"]
CMD ["run"]
