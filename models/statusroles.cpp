#include "statusroles.h"
