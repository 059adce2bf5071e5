#pragma once

namespace hd {

// The desktop dashboard front end: `healthdeck [--config FILE] [--history FILE]`
// and, with demo, `healthdeck demo`: the simulated backend, a private
// redis-server and the bundled demo config. Without --config,
// $HEALTHDECK_CONFIG or ~/.config/healthdeck/healthdeck.yaml, the demo opens.
// Owns its QApplication; returns the exit code.
int runDashboard(int argc, char* argv[], bool demo);

} // namespace hd
