#pragma once

class QMenu;
class QMenuBar;

namespace hd {

class DemoSession;

// The Demo menu: one checkable entry per fault of the demo's vocabulary (Alt+1 ... Alt+9) and "Heal everything"
// (Alt+0), kept in step with the session's faults.
QMenu* addDemoMenu(QMenuBar* menus, DemoSession* demo);

} // namespace hd
