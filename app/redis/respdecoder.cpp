#include "respdecoder.h"

#include <hiredis/hiredis.h>

namespace hd {

namespace {

RedisReply convert(const redisReply *r)
{
    switch (r->type) {
    case REDIS_REPLY_INTEGER:
        return RedisReply::integer(r->integer);
    case REDIS_REPLY_STRING:
        return RedisReply::string(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_STATUS:
        return RedisReply::status(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_ERROR:
        return RedisReply::error(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_ARRAY: {
        QList<RedisReply> elements;
        elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            elements.append(convert(r->element[i]));
        return RedisReply::array(elements);
    }
    default:
        return RedisReply::nil();
    }
}

} // namespace

RespDecoder::RespDecoder()
    : m_reader(redisReaderCreate())
{
    if (!m_reader)
        qFatal("redisReaderCreate: out of memory");
}

RespDecoder::~RespDecoder()
{
    redisReaderFree(m_reader);
}

QList<RedisReply> RespDecoder::feed(const QByteArray &bytes)
{
    QList<RedisReply> replies;
    if (hasError())
        return replies;
    if (!bytes.isEmpty() && redisReaderFeed(m_reader, bytes.constData(), size_t(bytes.size())) != REDIS_OK) {
        m_error = QString::fromLatin1(m_reader->errstr);
        return replies;
    }
    for (;;) {
        void *raw = nullptr;
        if (redisReaderGetReply(m_reader, &raw) != REDIS_OK) {
            m_error = QString::fromLatin1(m_reader->errstr);
            break;
        }
        if (!raw)
            break;
        replies.append(convert(static_cast<const redisReply *>(raw)));
        freeReplyObject(raw);
    }
    return replies;
}

qint64 RespDecoder::bufferedBytes() const
{
    return m_reader->buf ? qint64(m_reader->len - m_reader->pos) : 0;
}

void RespDecoder::reset()
{
    redisReaderFree(m_reader);
    m_reader = redisReaderCreate();
    if (!m_reader)
        qFatal("redisReaderCreate: out of memory");
    m_error.clear();
}

} // namespace hd
