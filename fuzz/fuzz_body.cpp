// libFuzzer target: body-format recognition (seed JSON, IETF, Actuator, ASP.NET, Kubernetes, etcd, Docker,
// heartbeats). The first byte picks the content type and the HTTP status; the rest is the body.
#include "health/bodyformat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    static const QByteArray types[] = { "application/json", "application/health+json", "text/plain",
        "application/vnd.spring-boot.actuator.v3+json", "", "text/html" };
    static const int statuses[] = { 200, 503, 500, 204, 301, 0, 429, 401 };
    const QByteArray body(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    const hd::BodyVerdict verdict = hd::recognizeBody(body, types[data[0] % 6], statuses[(data[0] >> 3) % 8]);
    if (!verdict.status && !verdict.items.isEmpty())
        __builtin_trap(); // sub-checks only come from a recognised body
    return 0;
}
