#include "redisprobe.h"

#include "core/duration.h"
#include "redispool.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <memory>

namespace hd {

namespace {

// Canonical integers become numbers, JSON objects/arrays/literals are embedded,
// everything else stays the exact string (so "1.10" is not turned into 1.1).
QJsonValue fieldValue(const QByteArray& value)
{
    if (value.isEmpty())
        return QString();
    bool isInteger = false;
    const qint64 n = value.toLongLong(&isInteger);
    if (isInteger && QByteArray::number(n) == value && qAbs(n) < (1LL << 53))
        return double(n);
    if (value == "true" || value == "false")
        return value == "true";
    if (value == "null")
        return QJsonValue::Null;
    const char first = value.front();
    if (first == '{' || first == '[') {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(value, &error);
        if (error.error == QJsonParseError::NoError)
            return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    }
    return QString::fromUtf8(value);
}

bool isStop(const ProbeResult& result)
{
    return !result.completed() || result.statusHint.has_value();
}

ProbeResult failed(ProbeResult::Outcome outcome, const QString& error)
{
    ProbeResult result;
    result.outcome = outcome;
    result.error = error;
    return result;
}

ProbeResult unexpected(const char* command, const RedisReply& reply)
{
    return failed(ProbeResult::Outcome::ProtocolError,
        u"unexpected reply to " + QLatin1String(command) + u": " + reply.toDebugString());
}

QString keyName(const QByteArray& key)
{
    return QString::fromUtf8(key);
}

} // namespace

RedisInfoHint redisInfoHint(const QByteArray& info)
{
    QHash<QByteArray, QByteArray> fields;
    for (QByteArray line : info.split('\n')) {
        line = line.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (line.isEmpty() || line.startsWith('#') || colon < 0)
            continue;
        fields.insert(line.left(colon), line.mid(colon + 1));
    }
    RedisInfoHint hint;
    QStringList reasons;
    auto add = [&](Status status, const QString& reason) {
        hint.status = worst(hint.status, status);
        reasons << reason;
    };
    if (fields.value("loading") == "1")
        add(Status::Starting, QStringLiteral("redis is loading its dataset into memory"));
    if (fields.value("master_link_status") == "down") {
        QString reason = u"replication link to master " + QString::fromUtf8(fields.value("master_host")) + u':'
            + QString::fromUtf8(fields.value("master_port")) + u" is down";
        const qint64 since = fields.value("master_link_down_since_seconds").toLongLong();
        if (since > 0)
            reason += u" for " + formatDurationMs(since * 1000);
        add(Status::Degraded, reason);
    }
    if (fields.value("rdb_last_bgsave_status") == "err")
        add(Status::Degraded, QStringLiteral("last RDB background save failed (rdb_last_bgsave_status:err)"));
    if (fields.value("aof_last_write_status") == "err")
        add(Status::Degraded, QStringLiteral("last AOF write failed (aof_last_write_status:err)"));
    hint.detail = reasons.join(QStringLiteral("; "));
    return hint;
}

QByteArray redisInfoToJson(const QByteArray& info)
{
    QJsonObject object;
    for (QByteArray line : info.split('\n')) {
        line = line.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (line.isEmpty() || line.startsWith('#') || colon < 0)
            continue;
        object.insert(QString::fromUtf8(line.left(colon)), fieldValue(line.mid(colon + 1)));
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray redisFieldsToJson(const QList<RedisReply>& flatPairs)
{
    QJsonObject object;
    for (qsizetype i = 0; i + 1 < flatPairs.size(); i += 2)
        object.insert(QString::fromUtf8(flatPairs.at(i).bytes()), fieldValue(flatPairs.at(i + 1).bytes()));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Probe* createRedisProbe(const CheckConfig& check, RedisPool* pool, qint64 maxBodyBytes, QObject* parent)
{
    return new RedisProbe(check, pool, maxBodyBytes, parent);
}

RedisProbe::RedisProbe(const CheckConfig& check, RedisPool* pool, qint64 maxBodyBytes, QObject* parent)
    : Probe(parent)
    , m_config(check.redis())
    , m_timeoutMs(check.timeoutMs)
    , m_maxBodyBytes(maxBodyBytes)
    , m_pool(pool)
{
    // The connection fails every command at m_deadline; this later one only
    // guards against a multi-step probe that would otherwise never end.
    setTimeout(m_timeoutMs + 250);
}

void RedisProbe::onDeadline()
{
    finish(failed(ProbeResult::Outcome::Timeout,
        u"no answer from redis " + m_config.server + u" within " + formatDurationMs(m_timeoutMs)));
}

void RedisProbe::run()
{
    m_deadline = QDeadlineTimer(m_timeoutMs);
    m_connection = m_pool ? m_pool->connection(m_config.server) : nullptr;
    if (!m_connection) {
        finish(failed(
            ProbeResult::Outcome::Misconfigured, u"no redis server named \"" + m_config.server + u"\" in the config"));
        return;
    }
    switch (m_config.mode) {
    case RedisProbeConfig::Mode::Key:
        readKey(m_config.key.toUtf8(), [this](ProbeResult result) { finish(std::move(result)); });
        break;
    case RedisProbeConfig::Mode::Hash:
        runHash();
        break;
    case RedisProbeConfig::Mode::Stream:
        runStream();
        break;
    case RedisProbeConfig::Mode::Pattern:
        scan(QByteArrayLiteral("0"));
        break;
    case RedisProbeConfig::Mode::Ping:
        runPing();
        break;
    }
}

void RedisProbe::send(const QList<QByteArray>& argv, RedisCallback callback)
{
    m_connection->send(argv, m_deadline, this, [this, callback = std::move(callback)](const RedisResponse& response) {
        if (!isRunning())
            return;
        if (response.ok())
            m_gotReply = true;
        callback(response);
    });
}

ProbeResult RedisProbe::fromResponse(const RedisResponse& response) const
{
    using Outcome = ProbeResult::Outcome;
    switch (response.failure) {
    case RedisFailure::None:
        break;
    case RedisFailure::Refused:
        return failed(Outcome::Refused, response.failureText);
    case RedisFailure::Timeout:
        return failed(Outcome::Timeout, response.failureText);
    case RedisFailure::Tls:
        return failed(Outcome::TlsError, response.failureText);
    case RedisFailure::Protocol:
    case RedisFailure::ConnectionLost:
        return failed(Outcome::ProtocolError, response.failureText);
    case RedisFailure::AuthRejected:
        return failed(Outcome::AuthRejected, response.failureText);
    case RedisFailure::Misconfigured:
        return failed(Outcome::Misconfigured, response.failureText);
    }
    const RedisReply& reply = response.reply;
    if (!reply.isError())
        return {};
    const QByteArray code = reply.errorCode();
    const QString text = QString::fromUtf8(reply.bytes());
    if (code == "NOAUTH" || code == "WRONGPASS" || code == "NOPERM")
        return failed(Outcome::AuthRejected, text);
    if (code == "LOADING") {
        ProbeResult result;
        result.statusHint = Status::Starting;
        result.hintDetail = text;
        return result;
    }
    // WRONGTYPE, unknown command, and the rest: the check cannot run as written.
    return failed(Outcome::Misconfigured, text);
}

void RedisProbe::readKey(const QByteArray& key, ResultCallback done)
{
    // STRLEN first, so a value over the limit is refused without being read.
    struct Sizes {
        RedisResponse strlen;
        RedisResponse pttl;
        int replies = 0;
    };
    auto sizes = std::make_shared<Sizes>();
    auto measured = [this, key, sizes, done] {
        for (const RedisResponse* response : { &sizes->strlen, &sizes->pttl }) {
            ProbeResult result = fromResponse(*response);
            if (isStop(result))
                return done(result);
        }
        if (!sizes->strlen.reply.isInteger())
            return done(unexpected("STRLEN", sizes->strlen.reply));
        if (!sizes->pttl.reply.isInteger())
            return done(unexpected("PTTL", sizes->pttl.reply));
        const qint64 ttl = sizes->pttl.reply.toInteger();
        if (ttl == -2)
            return done(failed(
                ProbeResult::Outcome::Missing, u"key " + keyName(key) + u" is missing (expired or never written)"));
        const qint64 length = sizes->strlen.reply.toInteger();
        if (length > m_maxBodyBytes) {
            ProbeResult result = failed(ProbeResult::Outcome::BodyTooLarge,
                u"value of key " + keyName(key) + u" is " + QString::number(length) + u" bytes, over the limit of "
                    + QString::number(m_maxBodyBytes) + u" bytes; not read");
            result.ttlMs = ttl;
            return done(result);
        }
        send({ QByteArrayLiteral("GET"), key }, [this, key, ttl, done](const RedisResponse& response) {
            ProbeResult result = fromResponse(response);
            if (isStop(result))
                return done(result);
            if (response.reply.isNil())
                return done(failed(
                    ProbeResult::Outcome::Missing, u"key " + keyName(key) + u" is missing (expired or never written)"));
            if (!response.reply.isString())
                return done(unexpected("GET", response.reply));
            result.body = response.reply.bytes();
            result.ttlMs = ttl;
            done(result);
        });
    };
    send({ QByteArrayLiteral("STRLEN"), key }, [sizes, measured](const RedisResponse& response) {
        sizes->strlen = response;
        if (++sizes->replies == 2)
            measured();
    });
    send({ QByteArrayLiteral("PTTL"), key }, [sizes, measured](const RedisResponse& response) {
        sizes->pttl = response;
        if (++sizes->replies == 2)
            measured();
    });
}

void RedisProbe::runHash()
{
    const QByteArray key = m_config.key.toUtf8();
    auto ttl = std::make_shared<RedisResponse>();
    send({ QByteArrayLiteral("PTTL"), key }, [ttl](const RedisResponse& response) { *ttl = response; });
    // Replies come in order, so the PTTL answer is in by the time HGETALL's is.
    send({ QByteArrayLiteral("HGETALL"), key }, [this, key, ttl](const RedisResponse& response) {
        for (const RedisResponse* r : { &std::as_const(*ttl), &response }) {
            ProbeResult result = fromResponse(*r);
            if (isStop(result))
                return finish(result);
        }
        if (!response.reply.isArray())
            return finish(unexpected("HGETALL", response.reply));
        if (response.reply.elements().isEmpty())
            return finish(failed(
                ProbeResult::Outcome::Missing, u"hash " + keyName(key) + u" is missing (expired or never written)"));
        ProbeResult result;
        result.body = redisFieldsToJson(response.reply.elements());
        result.contentType = QByteArrayLiteral("application/json");
        if (ttl->reply.isInteger())
            result.ttlMs = ttl->reply.toInteger();
        if (result.body.size() > m_maxBodyBytes) {
            const qint64 size = result.body.size();
            result = failed(ProbeResult::Outcome::BodyTooLarge,
                u"hash " + keyName(key) + u" is " + QString::number(size) + u" bytes as JSON, over the limit of "
                    + QString::number(m_maxBodyBytes) + u" bytes");
        }
        finish(result);
    });
}

void RedisProbe::runStream()
{
    const QByteArray key = m_config.key.toUtf8();
    auto ttl = std::make_shared<RedisResponse>();
    send({ QByteArrayLiteral("PTTL"), key }, [ttl](const RedisResponse& response) { *ttl = response; });
    send({ QByteArrayLiteral("XREVRANGE"), key, QByteArrayLiteral("+"), QByteArrayLiteral("-"),
             QByteArrayLiteral("COUNT"), QByteArrayLiteral("1") },
        [this, key, ttl](const RedisResponse& response) {
            for (const RedisResponse* r : { &std::as_const(*ttl), &response }) {
                ProbeResult result = fromResponse(*r);
                if (isStop(result))
                    return finish(result);
            }
            const RedisReply& reply = response.reply;
            if (!reply.isArray())
                return finish(unexpected("XREVRANGE", reply));
            if (reply.elements().isEmpty())
                return finish(failed(
                    ProbeResult::Outcome::Missing, u"stream " + keyName(key) + u" is missing or has no entries"));
            const RedisReply& entry = reply.elements().first();
            if (!entry.isArray() || entry.elements().size() != 2 || !entry.elements().at(1).isArray())
                return finish(unexpected("XREVRANGE", reply));
            ProbeResult result;
            result.body = redisFieldsToJson(entry.elements().at(1).elements());
            result.contentType = QByteArrayLiteral("application/json");
            if (ttl->reply.isInteger())
                result.ttlMs = ttl->reply.toInteger();
            if (result.body.size() > m_maxBodyBytes)
                result = failed(ProbeResult::Outcome::BodyTooLarge,
                    u"newest entry of stream " + keyName(key) + u" is over the limit of "
                        + QString::number(m_maxBodyBytes) + u" bytes");
            finish(result);
        });
}

void RedisProbe::runPing()
{
    auto pong = std::make_shared<RedisResponse>();
    send({ QByteArrayLiteral("PING") }, [pong](const RedisResponse& response) { *pong = response; });
    send({ QByteArrayLiteral("INFO") }, [this, pong](const RedisResponse& response) {
        for (const RedisResponse* r : { &std::as_const(*pong), &response }) {
            ProbeResult result = fromResponse(*r);
            if (isStop(result))
                return finish(result);
        }
        if (!pong->reply.isStatus() || pong->reply.bytes() != "PONG")
            return finish(unexpected("PING", pong->reply));
        if (!response.reply.isString())
            return finish(unexpected("INFO", response.reply));
        const RedisInfoHint hint = redisInfoHint(response.reply.bytes());
        ProbeResult result;
        result.body = redisInfoToJson(response.reply.bytes());
        result.contentType = QByteArrayLiteral("application/json");
        result.statusHint = hint.status;
        result.hintDetail = hint.detail;
        finish(result);
    });
}

void RedisProbe::scan(const QByteArray& cursor)
{
    // SCAN, never KEYS: it does not block the server on a large keyspace.
    send({ QByteArrayLiteral("SCAN"), cursor, QByteArrayLiteral("MATCH"), m_config.key.toUtf8(),
             QByteArrayLiteral("COUNT"), QByteArrayLiteral("1000") },
        [this](const RedisResponse& response) {
            ProbeResult result = fromResponse(response);
            if (isStop(result))
                return finish(result);
            const RedisReply& reply = response.reply;
            if (!reply.isArray() || reply.elements().size() != 2 || !reply.elements().at(0).isString()
                || !reply.elements().at(1).isArray())
                return finish(unexpected("SCAN", reply));
            for (const RedisReply& key : reply.elements().at(1).elements()) {
                if (key.isString())
                    m_keys.append(key.bytes());
            }
            const QByteArray next = reply.elements().at(0).bytes();
            if (next == "0")
                readScannedKeys();
            else
                scan(next);
        });
}

void RedisProbe::readScannedKeys()
{
    // SCAN may return a key more than once; each key is one row, in a stable order.
    std::sort(m_keys.begin(), m_keys.end());
    m_keys.erase(std::unique(m_keys.begin(), m_keys.end()), m_keys.end());
    if (m_keys.isEmpty())
        return finish({});
    m_items.resize(m_keys.size());
    m_outstanding = int(m_keys.size());
    for (qsizetype i = 0; i < m_keys.size(); ++i) {
        readKey(m_keys.at(i), [this, i](ProbeResult item) {
            item.item = QString::fromUtf8(m_keys.at(i));
            item.connected = true;
            item.latencyMs = elapsedMs();
            item.ip = m_connection->peerAddress();
            item.finishedAt = QDateTime::currentDateTimeUtc();
            m_items[i] = std::move(item);
            if (--m_outstanding > 0)
                return;
            // A key that could not be read because the server or the connection
            // failed means the scan as a whole failed.
            for (const ProbeResult& r : std::as_const(m_items)) {
                switch (r.outcome) {
                case ProbeResult::Outcome::Refused:
                case ProbeResult::Outcome::Timeout:
                case ProbeResult::Outcome::TlsError:
                case ProbeResult::Outcome::ProtocolError:
                    return finish(failed(r.outcome, r.error));
                default:
                    break;
                }
            }
            ProbeResult result;
            result.items = m_items;
            finish(result);
        });
    }
}

void RedisProbe::endRun(ProbeResult* result)
{
    if (!result)
        return;
    const bool unreachable
        = result->outcome == ProbeResult::Outcome::Refused || result->outcome == ProbeResult::Outcome::TlsError;
    result->connected = !unreachable && (m_gotReply || (m_connection && m_connection->isReady()));
    if (m_connection)
        result->ip = m_connection->peerAddress();
}

} // namespace hd
