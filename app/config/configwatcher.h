#pragma once

#include "config/config.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace hd {

// Watches the config file and reloads it when it changes (editors that replace
// the file are handled). A bad file is reported and the old config stays.
class ConfigWatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfigWatcher)
public:
    explicit ConfigWatcher(const QString& path, QObject* parent = nullptr);

    // Reloads now (SIGHUP, a menu entry).
    void reload();

Q_SIGNALS:
    void configLoaded(const hd::Config& config);
    void configFailed(const QStringList& errors); // FILE:LINE:COLUMN: message, one per line

private:
    void rewatch();

    QString m_path;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
};

} // namespace hd
