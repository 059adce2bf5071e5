#pragma once

#include "config/configloader.h"

namespace hd {

// The config as every front end loads it: parsed by the loader, then checked
// by the engine (conditions must parse). Errors are FILE:LINE:COLUMN located.
ConfigLoadResult loadValidatedConfig(const QString& path);

// --config, else $HEALTHDECK_CONFIG, else ~/.config/healthdeck/healthdeck.yaml;
// empty when none exists.
QString defaultConfigPath(const QString& explicitPath);

} // namespace hd
