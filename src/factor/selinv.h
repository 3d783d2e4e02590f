/* The selected inversion's state, shared by its symbolic (selinv_symbolic.c) and numeric
   (selinv_numeric.c) halves and by nothing else: the rest of kgnn sees KGNNSelInv only. */
#ifndef KGNN_SELINV_H
#define KGNN_SELINV_H

#include "../kgnn_impl.h"
#include <cholmod.h>

/* CHOLMOD's int or long interface, whichever matches PetscInt */
#if defined(PETSC_USE_64BIT_INDICES)
  #define KGNN_CHOLMOD(name) cholmod_l_##name
  #define KGNN_CHOLMOD_ITYPE CHOLMOD_LONG
typedef SuiteSparse_long KGNNCholInt;
#else
  #define KGNN_CHOLMOD(name) cholmod_##name
  #define KGNN_CHOLMOD_ITYPE CHOLMOD_INT
typedef int KGNNCholInt;
#endif

/* CHOLMOD as kgnn uses it (selinv_symbolic.c): silent, supernodal; a failed call as an error */
PETSC_INTERN PetscErrorCode KGNNCholmodStart(cholmod_common *);
PETSC_INTERN PetscErrorCode KGNNCholmodCheck(const cholmod_common *, const char *call);

struct _n_KGNNSelInv {
  cholmod_common  c;
  PetscBool       started;
  cholmod_sparse *G;    /* lower triangle (stype -1) of A + P + P^T, the matrix CHOLMOD factors: A's values, explicit zeros on P's pairs that A lacks */
  PetscInt       *Amap; /* entry p of A's CSR with column >= row: its position in G->x; -1 for the others (the lower half, read by symmetry) */
  cholmod_factor *L;    /* supernodal; after KGNNSelInvNumeric its values are Z = (Pi A Pi^T)^-1 on the supernodal pattern, not L */
  size_t         *Zmap; /* entry p of P (original rows and columns): its position in L->x */
  PetscInt        nP;   /* entries of P */
  PetscInt       *super_of;
  KGNNCholInt    *rel;             /* workspace: positions of a supernode's rows in an ancestor's */
  PetscScalar    *U, *Zrr;         /* workspace: L_RJ L_JJ^-1 and Z(R, R) of the largest supernode */
  size_t          maxnr, maxnscol; /* largest |R| (rows below a supernode's diagonal block), largest supernode */
  KGNNSelInvStats s;
};

#endif
