#pragma once

#include "health/evaluator.h"

#include <QList>

namespace hd {

// One line of output: a check, a sub-check inside its body, or a key found by a
// pattern. Keyed "service/check" plus "/item" (docs/contract.md §4).
struct CheckRow {
    QString key;
    QString service;
    QString check;
    QString item;
    QString group; // an alert's group; empty: the service's
    Status status = Status::Starting;
    Severity severity = Severity::Critical;
    double latencyMs = 0;
    QString detail;
    // Sub-checks reported inside a body are shown, but the service's own top-level
    // verdict is what counts; pattern rows are the check itself and do count.
    bool counts = true;
    CheckEvaluation evaluation;
    ProbeResult result;
};

// Memory for rate()/delta(), one per row key; nullptr for one-shot runs.
using MemoryLookup = std::function<ConditionMemory*(const QString& rowKey)>;

QList<CheckRow> rowsForResult(const CheckConfig& check, const CheckEvaluator& evaluator, const ProbeResult& result,
    const QDateTime& now, const MemoryLookup& memory);

} // namespace hd
