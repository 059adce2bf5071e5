#include "redisreply.h"

#include <hiredis/hiredis.h>

#include <QStringList>
#include <QVarLengthArray>

namespace hd {

RedisReply RedisReply::integer(qint64 value)
{
    RedisReply r;
    r.m_type = Type::Integer;
    r.m_integer = value;
    return r;
}

RedisReply RedisReply::string(const QByteArray& bytes)
{
    RedisReply r;
    r.m_type = Type::String;
    r.m_bytes = bytes;
    return r;
}

RedisReply RedisReply::status(const QByteArray& text)
{
    RedisReply r;
    r.m_type = Type::Status;
    r.m_bytes = text;
    return r;
}

RedisReply RedisReply::error(const QByteArray& text)
{
    RedisReply r;
    r.m_type = Type::Error;
    r.m_bytes = text;
    return r;
}

RedisReply RedisReply::array(const QList<RedisReply>& elements)
{
    RedisReply r;
    r.m_type = Type::Array;
    r.m_elements = elements;
    return r;
}

QByteArray RedisReply::errorCode() const
{
    if (m_type != Type::Error)
        return {};
    const qsizetype space = m_bytes.indexOf(' ');
    return space < 0 ? m_bytes : m_bytes.left(space);
}

QByteArray RedisReply::toResp() const
{
    switch (m_type) {
    case Type::Nil:
        return QByteArrayLiteral("$-1\r\n");
    case Type::Integer:
        return ':' + QByteArray::number(m_integer) + "\r\n";
    case Type::String:
        return '$' + QByteArray::number(m_bytes.size()) + "\r\n" + m_bytes + "\r\n";
    case Type::Status:
        return '+' + m_bytes + "\r\n";
    case Type::Error:
        return '-' + m_bytes + "\r\n";
    case Type::Array: {
        QByteArray out = '*' + QByteArray::number(m_elements.size()) + "\r\n";
        for (const RedisReply& e : m_elements)
            out += e.toResp();
        return out;
    }
    }
    return {};
}

QString RedisReply::toDebugString() const
{
    switch (m_type) {
    case Type::Nil:
        return QStringLiteral("(nil)");
    case Type::Integer:
        return QString::number(m_integer);
    case Type::String:
        return u'"' + QString::fromUtf8(m_bytes.left(200)) + (m_bytes.size() > 200 ? u"...\"" : u"\"");
    case Type::Status:
        return u'+' + QString::fromUtf8(m_bytes);
    case Type::Error:
        return u'-' + QString::fromUtf8(m_bytes);
    case Type::Array: {
        QStringList parts;
        for (const RedisReply& e : m_elements)
            parts << e.toDebugString();
        return u'[' + parts.join(QStringLiteral(", ")) + u']';
    }
    }
    return {};
}

bool operator==(const RedisReply& a, const RedisReply& b)
{
    if (a.m_type != b.m_type)
        return false;
    switch (a.m_type) {
    case RedisReply::Type::Nil:
        return true;
    case RedisReply::Type::Integer:
        return a.m_integer == b.m_integer;
    case RedisReply::Type::Array:
        return a.m_elements == b.m_elements;
    default:
        return a.m_bytes == b.m_bytes;
    }
}

QString redisReplyTypeName(RedisReply::Type type)
{
    switch (type) {
    case RedisReply::Type::Nil:
        return QStringLiteral("nil");
    case RedisReply::Type::Integer:
        return QStringLiteral("integer");
    case RedisReply::Type::String:
        return QStringLiteral("string");
    case RedisReply::Type::Status:
        return QStringLiteral("status");
    case RedisReply::Type::Error:
        return QStringLiteral("error");
    case RedisReply::Type::Array:
        return QStringLiteral("array");
    }
    return {};
}

QByteArray formatRedisCommand(const QList<QByteArray>& argv)
{
    QVarLengthArray<const char*, 8> args;
    QVarLengthArray<size_t, 8> lengths;
    for (const QByteArray& a : argv) {
        args.append(a.constData());
        lengths.append(size_t(a.size()));
    }
    char* target = nullptr;
    const int len = redisFormatCommandArgv(&target, int(argv.size()), args.data(), lengths.data());
    if (len < 0 || !target)
        qFatal("redisFormatCommandArgv: out of memory");
    QByteArray out(target, len);
    redisFreeCommand(target);
    return out;
}

} // namespace hd
