/* confdefs.h */
#define PACKAGE_NAME "souk"
#define PACKAGE_TARNAME "souk"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "souk 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define PACKAGE "souk"
#define VERSION "0.1.0"
