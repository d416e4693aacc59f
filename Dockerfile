# cashbot: one process, one SQLite file in the /app/data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 cashbot

# Dependencies first, so code changes don't reinstall them.
COPY pyproject.toml README.md ./
COPY cashbot ./cashbot
RUN pip install .

COPY migrations ./migrations
COPY cashbot.toml ./cashbot.toml
RUN mkdir -p /app/data && chown cashbot:cashbot /app/data

USER cashbot
VOLUME ["/app/data"]

# The background loop touches data/.heartbeat every tick (60 s by default).
HEALTHCHECK --interval=60s --timeout=5s --start-period=60s --retries=3 \
    CMD test $(( $(date +%s) - $(stat -c %Y /app/data/.heartbeat) )) -lt 300

# SIGTERM lets in-flight updates finish and closes the database cleanly.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "cashbot", "run"]
