#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace hd {

// One RESP2 reply, as a value. Strings are binary-safe: a bulk string keeps
// every byte the server sent.
class RedisReply {
public:
    enum class Type { Nil, Integer, String, Status, Error, Array };

    RedisReply() = default; // nil

    static RedisReply nil() { return {}; }
    static RedisReply integer(qint64 value);
    static RedisReply string(const QByteArray& bytes);
    static RedisReply status(const QByteArray& text);
    static RedisReply error(const QByteArray& text);
    static RedisReply array(const QList<RedisReply>& elements);

    Type type() const { return m_type; }
    bool isNil() const { return m_type == Type::Nil; }
    bool isInteger() const { return m_type == Type::Integer; }
    bool isString() const { return m_type == Type::String; }
    bool isStatus() const { return m_type == Type::Status; }
    bool isError() const { return m_type == Type::Error; }
    bool isArray() const { return m_type == Type::Array; }

    qint64 toInteger() const { return m_integer; }
    // The bytes of a bulk string, a status line or an error line.
    const QByteArray& bytes() const { return m_bytes; }
    const QList<RedisReply>& elements() const { return m_elements; }

    // "WRONGTYPE" for "-WRONGTYPE Operation against ..."; empty unless an error.
    QByteArray errorCode() const;

    // The reply encoded as RESP2 again, byte for byte what a server would send.
    QByteArray toResp() const;
    // A short readable form for logs and test failures: (nil), 42, "text", [..].
    QString toDebugString() const;

    friend bool operator==(const RedisReply& a, const RedisReply& b);
    friend bool operator!=(const RedisReply& a, const RedisReply& b) { return !(a == b); }

private:
    Type m_type = Type::Nil;
    qint64 m_integer = 0;
    QByteArray m_bytes;
    QList<RedisReply> m_elements;
};

QString redisReplyTypeName(RedisReply::Type type);

// A command in RESP wire form, built by hiredis's redisFormatCommandArgv.
QByteArray formatRedisCommand(const QList<QByteArray>& argv);

} // namespace hd
