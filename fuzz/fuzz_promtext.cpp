// libFuzzer target: Prometheus text 0.0.4 and OpenMetrics parsing. The first byte picks the format and the name
// scheme; the rest is the body.
#include "health/promtext.h"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    using namespace hd::prom;
    const Format format = (data[0] & 1) ? Format::OpenMetrics : Format::Text;
    const NameScheme names = (data[0] & 2) ? NameScheme::Legacy : NameScheme::Utf8;
    const QByteArrayView body(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    const Exposition e = parse(body, format, names);
    if (e.error && (e.error->line < 1 || e.error->message.isEmpty()))
        __builtin_trap(); // an error always says where and what
    for (const Sample& s : e.samples) {
        if (!e.familyOf(s) || s.line < 1)
            __builtin_trap();
        const bool sorted = std::is_sorted(
            s.labels.begin(), s.labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        const bool unique = std::adjacent_find(s.labels.begin(), s.labels.end(), [](const auto& a, const auto& b) {
            return a.first == b.first;
        }) == s.labels.end();
        if (!sorted || !unique)
            __builtin_trap();
    }
    if (!e.samples.isEmpty()) {
        const Sample& first = e.samples.first();
        if (!e.find(first.name, first.labels).contains(0))
            __builtin_trap(); // a sample is found by its own name and labels
    }
    return 0;
}
