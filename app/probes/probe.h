#pragma once

#include "core/proberesult.h"

#include <QObject>

namespace hd {

// One run of one probe. start() begins the work and returns at once; finished()
// is emitted exactly once, later, on the same thread, never from inside start().
// The probe enforces its own hard timeout. After cancel() nothing is emitted.
// A probe object runs once, unless it is restartable(): then start() may be called
// again after finished() was emitted (not from inside that emission), and the engine
// keeps one such probe per check instead of making a new one for every poll.
class Probe : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Probe() override = default;

    virtual void start() = 0;
    virtual void cancel() = 0;
    virtual bool restartable() const { return false; }

Q_SIGNALS:
    void finished(const hd::ProbeResult& result);
};

} // namespace hd
