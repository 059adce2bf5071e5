// libFuzzer target: the HTTP/1.x response parser fed the same bytes whole and in splits chosen by the input; the
// two must agree on the outcome, the status and the body. The first byte also picks HEAD and a body cap.
#include "probes/httpresponseparser.h"

using hd::HttpResponseParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype step = 1 + data[0] % 32;
    const bool head = data[0] & 0x20;
    const qint64 cap = (data[0] & 0x40) ? 64 : 0;
    const QByteArrayView bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));

    HttpResponseParser whole;
    whole.reset(head, cap);
    whole.feed(bytes);
    whole.closed();

    HttpResponseParser split;
    split.reset(head, cap);
    for (qsizetype at = 0; at < bytes.size(); at += step)
        split.feed(bytes.sliced(at, qMin(step, bytes.size() - at)));
    split.closed();

    if (whole.result() != split.result())
        __builtin_trap();
    if (whole.result() != HttpResponseParser::Result::Malformed
        && (whole.status() != split.status() || whole.body() != split.body()))
        __builtin_trap();
    if (cap > 0 && whole.body().size() > cap)
        __builtin_trap();
    return 0;
}
