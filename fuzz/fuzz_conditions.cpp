// libFuzzer target: a condition (the first line) parsed, then evaluated against a body (the rest), twice with
// memory so that rate() and delta() see history.
#include "core/proberesult.h"
#include "health/condition.h"

#include <QDateTime>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QString expression = QString::fromUtf8(newline < 0 ? input : input.first(newline));
    QString error;
    const std::optional<hd::Condition> condition = hd::Condition::parse(expression, &error);
    if (!condition) {
        if (error.isEmpty())
            __builtin_trap(); // a rejected condition always says why
        return 0;
    }
    hd::ProbeResult result;
    result.status = 200;
    result.latencyMs = 12.5;
    result.connected = true;
    result.ttlMs = 30'000;
    result.body = newline < 0 ? QByteArray() : input.mid(newline + 1);
    result.contentType = "application/json";
    hd::ConditionMemory memory;
    hd::ConditionInput in;
    in.result = &result;
    in.now = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);
    in.memory = &memory;
    condition->evaluate(in);
    in.now = in.now.addSecs(10);
    condition->evaluate(in);
    return 0;
}
