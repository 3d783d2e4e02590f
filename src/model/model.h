/* Kept for the files that include it (src/train/, tests): the graph network's PETSc face now
   lives in src/io/model_face.h, and nothing in src/model includes this file (src/model builds
   without PETSc: make model-nopetsc). Point those includes at src/io/model_face.h and delete it. */
#include "../io/model_face.h"
