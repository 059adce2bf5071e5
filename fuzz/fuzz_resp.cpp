// libFuzzer target: the RESP decoder fed the same bytes whole and in splits chosen by the input; both must give
// the same replies, or both fail.
#include "redis/respdecoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype step = 1 + data[0] % 16; // split every `step` bytes
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));

    hd::RespDecoder whole;
    const QList<hd::RedisReply> once = whole.feed(bytes);

    hd::RespDecoder split;
    QList<hd::RedisReply> pieces;
    for (qsizetype at = 0; at < bytes.size() && !split.hasError(); at += step)
        pieces += split.feed(bytes.mid(at, step));

    if (whole.hasError() != split.hasError() || once.size() != pieces.size())
        __builtin_trap();
    for (qsizetype i = 0; i < once.size(); ++i) {
        if (!(once[i] == pieces[i]))
            __builtin_trap();
    }
    return 0;
}
