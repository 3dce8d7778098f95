/* The cart plugin's internal contract between its files. */
#ifndef CART_H
#define CART_H

#include <souk.h>

#endif /* CART_H */
