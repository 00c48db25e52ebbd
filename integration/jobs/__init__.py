"""Background work on Huey: SqliteHuey on the embedded defaults, RedisHuey when REDIS_URL is set."""
