#pragma once

#include "redisreply.h"

#include <QByteArray>
#include <QList>
#include <QString>

struct redisReader;

namespace hd {

// Incremental RESP2 parser over hiredis's redisReader. Bytes may arrive in any
// split; each complete reply comes out once, in order. After a protocol error
// the stream cannot be resynchronised: the decoder stays failed until reset().
class RespDecoder final {
    Q_DISABLE_COPY_MOVE(RespDecoder)
public:
    RespDecoder();
    ~RespDecoder();

    // Appends bytes and returns every reply they complete (possibly none).
    // On a protocol error returns the replies completed before it and sets hasError().
    QList<RedisReply> feed(const QByteArray& bytes);

    bool hasError() const { return !m_error.isEmpty(); }
    const QString& errorString() const { return m_error; }
    // Bytes received but not yet part of a complete reply.
    qint64 bufferedBytes() const;

    void reset();

private:
    void setReaderError();

    redisReader* m_reader = nullptr;
    qint64 m_refusedElements = 0; // the count of an array refused as too large; the reader's privdata
    QString m_error;
};

} // namespace hd
