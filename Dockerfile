# A slim, non-root image of nudgebot. It installs the project exactly as scripts/bootstrap does
# (pip, pinned by constraints.txt) and runs `nudgebot run`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN groupadd --system nudgebot && useradd --system --gid nudgebot --home-dir /app nudgebot

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY nudges ./nudges
COPY storage ./storage
RUN python -m pip install --upgrade pip \
    && python -m pip install -c constraints.txt . \
    && mkdir -p /data && chown nudgebot:nudgebot /data

USER nudgebot
WORKDIR /data
# SQLite by default (a volume at /data); set NUDGEBOT_DATABASE_URL for PostgreSQL, and run
# `nudgebot migrate` once per release before starting replicas.
VOLUME ["/data"]
EXPOSE 3000
ENTRYPOINT ["nudgebot"]
CMD ["run"]
