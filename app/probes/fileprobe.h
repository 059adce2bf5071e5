#pragma once

#include "config/config.h"
#include "probes/probe.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QThreadPool>

namespace hd {

// What the file system said about one `file:` check; computed off the calling thread.
struct FileInspection {
    bool ok = false;
    QString detail; // why not ok: "no such file /x", "not writable: permission denied", ...
};

// Checks that a path exists, optionally that its directory takes a new file
// (a real create-and-delete), and optionally that it was modified recently.
// The file system work runs on `workers` (the ProbeFactory's), so a hung mount
// cannot block the engine; the timeout still ends the probe while such a call is stuck.
class FileProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileProbe)
public:
    FileProbe(const CheckConfig& check, QThreadPool* workers, QObject* parent = nullptr);
    ~FileProbe() override;

    // The blocking part, usable on any thread. nowUtcMs is the wall clock for max_age.
    static FileInspection inspect(const FileProbeConfig& file, qint64 nowUtcMs);

private:
    void run() override;
    void onDeadline() override;
    void endRun(ProbeResult* result) override;

    CheckConfig m_check;
    QPointer<QThreadPool> m_workers;
    QFutureWatcher<FileInspection>* m_watcher = nullptr;
};

} // namespace hd
