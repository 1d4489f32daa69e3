// chevrotain 13 calls `Object.groupBy`, which Node gained in version 21; Bird supports Node 20.
import 'core-js/actual/object/group-by.js';
