#include "respdecoder.h"

#include <hiredis/hiredis.h>

namespace hd {

namespace {

RedisReply convert(const redisReply* r)
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

// hiredis 0.14 allocates an array reply's element table as soon as it reads the header, so "*795345900\r\n" from
// a hostile or broken server asks for 6 GB at once (found by fuzz_resp). Its reader has no limit of its own
// until hiredis 1.0, so array creation goes through this guard, which refuses what no health check needs.
constexpr int maxArrayElements = 1 << 20;

void* createBoundedArray(const redisReadTask* task, int elements)
{
    static void* (*const createArray)(const redisReadTask*, int) = [] {
        redisReader* plain = redisReaderCreate();
        auto* original = plain ? plain->fn->createArray : nullptr;
        redisReaderFree(plain);
        return original;
    }();
    if (elements < 0 || elements > maxArrayElements) {
        *static_cast<qint64*>(task->privdata) = elements;
        return nullptr; // the reader fails with "out of memory"; feed() says why instead
    }
    return createArray(task, elements);
}

redisReplyObjectFunctions* boundedFunctions()
{
    static redisReplyObjectFunctions functions = [] {
        redisReader* plain = redisReaderCreate();
        redisReplyObjectFunctions copy = *plain->fn;
        redisReaderFree(plain);
        copy.createArray = createBoundedArray;
        return copy;
    }();
    return &functions;
}

} // namespace

RespDecoder::RespDecoder()
{
    reset();
}

RespDecoder::~RespDecoder()
{
    redisReaderFree(m_reader);
}

QList<RedisReply> RespDecoder::feed(const QByteArray& bytes)
{
    QList<RedisReply> replies;
    if (hasError())
        return replies;
    if (!bytes.isEmpty() && redisReaderFeed(m_reader, bytes.constData(), size_t(bytes.size())) != REDIS_OK) {
        setReaderError();
        return replies;
    }
    for (;;) {
        void* raw = nullptr;
        if (redisReaderGetReply(m_reader, &raw) != REDIS_OK) {
            setReaderError();
            break;
        }
        if (!raw)
            break;
        replies.append(convert(static_cast<const redisReply*>(raw)));
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
    if (m_reader)
        redisReaderFree(m_reader);
    m_reader = redisReaderCreateWithFunctions(boundedFunctions());
    if (!m_reader)
        qFatal("redisReaderCreate: out of memory");
    m_refusedElements = 0;
    m_reader->privdata = &m_refusedElements;
    m_error.clear();
}

void RespDecoder::setReaderError()
{
    m_error = m_refusedElements != 0
        ? QStringLiteral("the server sent an array of %1 elements; more than %2 is not a reply healthdeck reads")
              .arg(m_refusedElements)
              .arg(maxArrayElements)
        : QString::fromLatin1(m_reader->errstr);
}

} // namespace hd
