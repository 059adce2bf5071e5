#pragma once

#include "config/config.h"

#include <QMap>
#include <QObject>

namespace hd {

class RedisConnection;

// One RedisConnection per server named in the config's `redis:` section,
// shared by every check on that server. Connections open at their first command.
class RedisPool final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisPool)
public:
    explicit RedisPool(const Config& config, QObject* parent = nullptr);
    ~RedisPool() override;

    // nullptr when no server has that name.
    RedisConnection* connection(const QString& server) const;
    QStringList serverNames() const { return m_connections.keys(); }

private:
    QMap<QString, RedisConnection*> m_connections;
};

} // namespace hd
