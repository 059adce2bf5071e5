#include "loadconfig.h"

#include "admin/adminaction.h"
#include "health/evaluator.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace hd {

ConfigLoadResult loadValidatedConfig(const QString& path)
{
    ConfigLoadResult result = loadConfigFile(path);
    if (result.config) {
        const QList<ConfigError> errors
            = validateConditions(*result.config) + validateRemediationActions(*result.config);
        if (!errors.isEmpty()) {
            result.errors += errors;
            result.config.reset();
        }
    }
    return result;
}

QString defaultConfigPath(const QString& explicitPath)
{
    if (!explicitPath.isEmpty())
        return explicitPath;
    const QString fromEnv = qEnvironmentVariable("HEALTHDECK_CONFIG");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString user = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/healthdeck/healthdeck.yaml");
    return QFileInfo::exists(user) ? user : QString();
}

} // namespace hd
