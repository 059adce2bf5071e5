#pragma once

#include "config/config.h"
#include "probes/probe.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QTimer>

class QThreadPool;

namespace hd {

// What the file system said about one `file:` check; computed off the calling thread.
struct FileInspection {
    bool ok = false;
    QString detail; // why not ok: "no such file /x", "not writable: permission denied", ...
};

// Checks that a path exists, optionally that its directory takes a new file
// (a real create-and-delete), and optionally that it was modified recently.
// The file system work runs on workerPool(), so a hung mount cannot block the
// engine; the timeout still ends the probe while such a call is stuck.
class FileProbe final : public Probe {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileProbe)
public:
    explicit FileProbe(const CheckConfig& check, QObject* parent = nullptr);
    ~FileProbe() override;

    void start() override;
    void cancel() override;

    // The blocking part, usable on any thread. nowUtcMs is the wall clock for max_age.
    static FileInspection inspect(const FileProbeConfig& file, qint64 nowUtcMs);

    // Shared by every file probe; never destroyed, so a call stuck in the kernel
    // cannot hold up the application's exit.
    static QThreadPool* workerPool();

private:
    void finish(ProbeResult result);

    CheckConfig m_check;
    QFutureWatcher<FileInspection>* m_watcher = nullptr;
    QTimer m_deadline;
    QElapsedTimer m_clock;
    bool m_started = false;
    bool m_done = false;
};

} // namespace hd
