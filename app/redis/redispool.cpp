#include "redispool.h"

#include "redisconnection.h"

namespace hd {

RedisPool::RedisPool(const Config& config, QObject* parent)
    : QObject(parent)
{
    // Room for the largest body any check may read plus the protocol around it;
    // anything bigger is hostile and resets the connection.
    const qint64 maxReply = qMax<qint64>(64LL * 1024 * 1024, 2 * config.defaults.maxBodyBytes + 1024 * 1024);
    for (auto it = config.redis.cbegin(); it != config.redis.cend(); ++it) {
        auto* connection = new RedisConnection(it.value(), this);
        connection->setMaxReplyBytes(maxReply);
        m_connections.insert(it.key(), connection);
    }
}

RedisPool::~RedisPool() = default;

RedisConnection* RedisPool::connection(const QString& server) const
{
    return m_connections.value(server, nullptr);
}

} // namespace hd
