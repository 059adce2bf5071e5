#pragma once

#include "core/status.h"

#include <QtGlobal>

namespace hd {

// Flap detection the Icinga 2 way: the last 21 results give 20 "changed or not"
// slots; each change weighs from 0.80 (oldest) to 1.18 (newest) in steps of 0.02,
// and the weighted share is a percentage (at most 99 %). Flapping starts when
// the share rises above `high` and stops when it falls below `low`; a value
// exactly at a threshold keeps the current state (Icinga 2 already stops at
// exactly `low`; "below" is what the healthdeck docs promise).
//
// Feed raw results, before thresholds: thresholds hide exactly the changes this
// is meant to see. Any change of status counts, down -> stale included.
class FlapDetector final {
public:
    enum class Change { None, Started, Stopped };

    explicit FlapDetector(double lowPercent = 25.0, double highPercent = 30.0);

    Change feed(Status status);

    bool isFlapping() const { return m_flapping; }
    // The weighted share of state changes, 0 to 99 %, with one decimal.
    double percent() const { return m_tenths / 10.0; }
    // Results seen so far, saturating at 21 (a full window).
    int observed() const { return m_observed; }

    double lowThreshold() const { return m_low; }
    double highThreshold() const { return m_high; }
    // Keeps the history; the new thresholds apply from the next result.
    void setThresholds(double lowPercent, double highPercent);
    void reset();

private:
    double m_low;
    double m_high;
    quint32 m_changes = 0; // bit 0 = the newest slot
    quint16 m_tenths = 0; // weighted share in tenths of a percent: exact, no float drift
    quint8 m_observed = 0;
    Status m_last = Status::Starting;
    bool m_flapping = false;
};

} // namespace hd
