#include "configwatcher.h"

#include "loadconfig.h"

#include <QFileInfo>

namespace hd {

ConfigWatcher::ConfigWatcher(const QString& path, QObject* parent)
    : QObject(parent)
    , m_path(QFileInfo(path).absoluteFilePath())
{
    // Editors write in bursts (truncate, write, rename): wait for the dust to settle.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &ConfigWatcher::reload);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] { m_debounce.start(); });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] {
        if (!m_watcher.files().contains(m_path) && QFileInfo::exists(m_path))
            m_debounce.start();
    });
    rewatch();
}

void ConfigWatcher::rewatch()
{
    if (QFileInfo::exists(m_path) && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!m_watcher.directories().contains(dir))
        m_watcher.addPath(dir);
}

void ConfigWatcher::reload()
{
    rewatch();
    const ConfigLoadResult loaded = loadValidatedConfig(m_path);
    if (loaded.config) {
        Q_EMIT configLoaded(*loaded.config);
        return;
    }
    QStringList errors;
    for (const ConfigError& e : loaded.errors)
        errors << e.toString();
    Q_EMIT configFailed(errors);
}

} // namespace hd
