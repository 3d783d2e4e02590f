# kgnn: build, tests, demo, benchmarks. Compilers, flags and libraries come from PETSc's own
# configuration (PETSC_DIR, Debian's /usr/lib/petsc by default), never from hand-written paths.
# PETSC_DIR: as set, else the prefix of PETSc's pkg-config file (PETSc.pc), else Debian's link
PETSC_DIR ?= $(or $(shell pkg-config --variable=prefix PETSc 2>/dev/null),/usr/lib/petsc)
SLEPC_DIR ?= /usr/lib/slepc
PYTHON    ?= /usr/bin/python3
DEBIAN_PACKAGES = make gcc pkg-config petsc-dev slepc-dev libhdf5-dev libopenblas-dev \
  zlib1g-dev valgrind python3-numpy python3-scipy python3-matplotlib python3-h5py \
  python3-petsc4py libsuitesparse-dev
# and the package of PETSc's examples (make build compiles three tutorials), named by the version
# petsc-dev depends on: libpetsc<version>-dev-examples (make deps asks apt which version that is)

# absent on a fresh machine until `make deps` has run: the top-level targets re-enter make after it
-include $(PETSC_DIR)/lib/petsc/conf/variables

# mpiexec refuses to run as root (CI runs as root) unless told otherwise
export OMPI_ALLOW_RUN_AS_ROOT = 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = 1
export PETSC_DIR

# HDF5 of the same (OpenMPI) flavour PETSc links; SLEPc from its pkg-config file (the library
# names in Debian's slepc_variables are broken)
HDF5_CFLAGS  = $(shell pkg-config --cflags hdf5 2>/dev/null)
HDF5_LIBS    = $(shell pkg-config --libs hdf5 2>/dev/null)
SLEPC_CFLAGS = $(shell PKG_CONFIG_PATH=$(SLEPC_DIR)/lib/pkgconfig pkg-config --cflags slepc 2>/dev/null)
SLEPC_LIBS   = $(shell PKG_CONFIG_PATH=$(SLEPC_DIR)/lib/pkgconfig pkg-config --libs slepc 2>/dev/null)
# CHOLMOD (SuiteSparse, Debian's libsuitesparse-dev) for PCKOPT's selected inversion, linked
# directly: PETSc exposes it only as a solver type, without its supernodes
CHOLMOD_CFLAGS = -I/usr/include/suitesparse
CHOLMOD_LIBS   = -lcholmod -lamd -lcolamd -lcamd -lccolamd -lsuitesparseconfig
KGNN_CFLAGS  = $(PCC_FLAGS) -O3 -Wall -Wextra -Wno-unused-parameter -Iinclude $(PETSC_CC_INCLUDES) $(CHOLMOD_CFLAGS) $(SLEPC_CFLAGS) $(HDF5_CFLAGS)
KGNN_LINK    = -Llib -lkgnn -Wl,-rpath,$(CURDIR)/lib $(SLEPC_LIBS) $(PETSC_LIB) $(HDF5_LIBS)
BIN_LINK     = -Llib -lkgnn -Wl,-rpath,'$$ORIGIN/../lib' $(SLEPC_LIBS) $(PETSC_LIB) $(HDF5_LIBS) $(CHOLMOD_LIBS)

# The shared library is named by the version in include/kgnn.h: libkgnn.so.MAJOR.MINOR, with the
# SONAME libkgnn.so.MAJOR (what programs record and load) and libkgnn.so (what -lkgnn and
# -dll_append name) as links to it
KGNN_MAJOR := $(shell sed -n 's/^\#define KGNN_VERSION_MAJOR //p' include/kgnn.h)
KGNN_MINOR := $(shell sed -n 's/^\#define KGNN_VERSION_MINOR //p' include/kgnn.h)
LIB_SONAME = libkgnn.so.$(KGNN_MAJOR)
LIB_REAL   = libkgnn.so.$(KGNN_MAJOR).$(KGNN_MINOR)

LIB_SRC   = $(wildcard src/*.c src/pc/*.c src/factor/*.c src/io/*.c src/dataset/*.c src/model/*.c src/train/*.c)
LIB_OBJ   = $(patsubst src/%.c,build/%.o,$(LIB_SRC))
HEADERS   = $(wildcard include/*.h src/*.h src/*/*.h)
BINS      = $(patsubst src/cli/%.c,bin/kgnn-%,$(wildcard src/cli/*.c))
TESTS     = $(patsubst tests/%.c,build/tests/%,$(wildcard tests/*.c))
EXAMPLES  = $(patsubst examples/%.c,build/examples/%,$(wildcard examples/*.c))
# PETSc's own tutorials, compiled unmodified (from PETSC_DIR: no version in the path)
PETSC_TUTORIALS = $(PETSC_DIR)/share/petsc/examples/src/ksp/ksp/tutorials
PETSC_EXAMPLES  = build/petsc-ex2 build/petsc-ex10 build/petsc-ex50

.PHONY: all build deps demo check check-valgrind check-kernels bench bench-regression results convergence figures datasets clean format paper paper-smoke install uninstall

# all and build compile only; the packages they need come from `make deps`, which the targets
# that run something (demo, check, bench, ...) call first, so that they work on a fresh Debian 12
all: build

build: lib/libkgnn.so $(BINS) $(TESTS) $(EXAMPLES) $(PETSC_EXAMPLES)

# Install the Debian packages that are missing (no-op when all are there).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
	fi; \
	v=$$(apt-cache depends libpetsc-real-dev 2>/dev/null | sed -n 's/.*Depends: libpetsc-real\([0-9.]*\)-dev$$/\1/p' | head -n 1); \
	if [ -n "$$v" ] && ! dpkg-query -W -f='$${Status}\n' libpetsc$$v-dev-examples 2>/dev/null | grep -q "install ok installed"; then \
	  echo "make deps: installing libpetsc$$v-dev-examples"; SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libpetsc$$v-dev-examples; \
	fi

# the packages, then a fresh make (PETSc's variables are read when make starts) that builds
READY = $(MAKE) --no-print-directory deps && $(MAKE) --no-print-directory build

# V=1 shows the full command lines
Q = $(if $(V),,@)

build/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(KGNN_CFLAGS) -c $< -o $@

lib/$(LIB_REAL): $(LIB_OBJ)
	@mkdir -p lib
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) -shared -Wl,-soname,$(LIB_SONAME) -o $@ $^ $(SLEPC_LIBS) $(PETSC_LIB) $(HDF5_LIBS) $(CHOLMOD_LIBS)

lib/libkgnn.so: lib/$(LIB_REAL)
	$(Q)ln -sf $(LIB_REAL) lib/$(LIB_SONAME) && ln -sf $(LIB_SONAME) $@

# the programs find libkgnn in ../lib beside their own folder: the build tree's and an install's
bin/kgnn-%: build/cli/%.o lib/libkgnn.so
	@mkdir -p bin
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CLINKER) -o $@ $< $(BIN_LINK)

# the tests reach the library's internals through its private headers (-Isrc) and link it
TEST_CFLAGS = $(KGNN_CFLAGS) -Isrc
build/tests/%: tests/%.c tests/testutil.h lib/libkgnn.so $(HEADERS)
	@mkdir -p build/tests
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CLINKER) $(TEST_CFLAGS) -o $@ $< $(KGNN_LINK)

# tests of internal functions (PETSC_INTERN: hidden in libkgnn.so), through the private headers
# (-Isrc) as every test, linked with the library's objects
INTERNAL_TESTS = build/tests/test_model_gradients build/tests/test_training build/tests/test_factor_check \
  build/tests/test_kopt_patterns build/tests/test_selinv_pairs build/tests/test_train_steps build/tests/test_edge_map \
  build/tests/test_kaporin_loss build/tests/test_kopt_direct
INTERNAL_TESTS += build/tests/test_engine_open
INTERNAL_TESTS += build/tests/test_train_scale
INTERNAL_TESTS += build/tests/test_gnn_elim_ic0
INTERNAL_TESTS += build/tests/test_gnn_cascade
$(INTERNAL_TESTS): build/tests/%: tests/%.c tests/testutil.h $(LIB_OBJ) $(HEADERS)
	@mkdir -p build/tests
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CLINKER) $(TEST_CFLAGS) -o $@ $< $(LIB_OBJ) -Wl,-rpath,$(CURDIR)/lib $(SLEPC_LIBS) $(PETSC_LIB) $(HDF5_LIBS) $(CHOLMOD_LIBS) -lz

build/examples/%: examples/%.c lib/libkgnn.so include/kgnn.h
	@mkdir -p build/examples
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CLINKER) $(KGNN_CFLAGS) -o $@ $< $(KGNN_LINK)

# PETSc's own tutorial, compiled unmodified: reaches PCKOPT only through -dll_append
build/petsc-%: $(PETSC_TUTORIALS)/%.c
	@mkdir -p build
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CLINKER) $(PCC_FLAGS) $(PETSC_CC_INCLUDES) -o $@ $< $(PETSC_LIB)

# Solve the SPD matrix shipped in share/ with CG + ICC(0) and CG + KOPT, side by side.
demo:
	@$(READY)
	@sh share/demo.sh

check:
	@$(READY)
	@sh tests/run.sh

# The C tests under valgrind (OpenMPI's own init/finalize leaks are suppressed) with -malloc_dump.
check-valgrind:
	@$(READY)
	@KGNN_VALGRIND=1 sh tests/run.sh

# The BLAS-sensitive tests under every OpenBLAS kernel the CPU runs (OPENBLAS_CORETYPE) and with
# one and two BLAS threads; logs openblas_get_corename() for each (tests/check-kernels.sh)
check-kernels:
	@$(READY)
	@CC="$(CC)" sh tests/check-kernels.sh

bench:
	@$(READY)
	@sh share/bench.sh

# this build against another built checkout (OLD=DIR, e.g. the last landed commit), interleaved,
# the median of five rounds: PCKOPT setup and apply, PCGNN forward and setup, kgnn-train epochs
bench-regression:
	@$(READY)
	@test -n "$(OLD)" || { echo "make bench-regression OLD=DIR (a built checkout to compare with)"; exit 1; }
	@sh share/bench_regression.sh $(OLD)

# kgnn-bench over the SuiteSparse set (the paper's Figure 2): results.csv and a bar chart. One
# BLAS thread and OpenBLAS's Haswell kernel, pinned: the counts on ill-conditioned matrices move
# with either (KGNN_CORETYPE=SkylakeX chooses another; empty, OpenBLAS chooses, as without AVX2)
KGNN_CORETYPE ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo Haswell)
results: export OPENBLAS_CORETYPE = $(KGNN_CORETYPE)
results: export OPENBLAS_NUM_THREADS = 1
results:
	@$(READY)
	bin/kgnn-bench --matrices ../shared/matrices/suitesparse/MANIFEST.tsv --out share/results/kgnn-bench.csv --png share/results/figure2.png --shifted --gnn share/models/default.h5

# Does CG claim convergence with a useless answer? PETSc's ex10 with PCGNN, PCKOPT, ICC(0) and
# Jacobi on every SuiteSparse matrix, both residual norms: share/results/convergence.md (~1 h)
convergence:
	@$(READY)
	@sh share/convergence.sh

# The paper's Figure 1 (non-locality) into share/results/
figures:
	@$(READY)
	$(PYTHON) share/python/figure1.py share/results/figure1.png

# The paper's experiments (Sec. 6.3, Appendices A-B), cell by cell and resumable: days on 2 cores
# for the full grid (share/paper.sh says which variables select a part of it)
paper:
	@$(READY)
	@sh share/paper.sh

# One cell, a few epochs, on the small fixture dataset: part of make check
PAPER_OUT ?= build/paper-smoke
paper-smoke:
	@$(READY)
	@rm -rf $(PAPER_OUT)
	@PAPER_GOALS=0 PAPER_SETS=smoke PAPER_MODELS=MessagePassingMLP PAPER_DEPTHS=1 PAPER_VARIANTS=plain PAPER_EPOCHS=3 PAPER_OUT=$(PAPER_OUT) sh share/paper.sh
	@test -s $(PAPER_OUT)/paper.md && test -s $(PAPER_OUT)/smoke_plain.png && grep -q "| smoke | MessagePassingMLP | 1 | plain | 3 |" $(PAPER_OUT)/paper.md

# The two benchmark datasets (share/doc/dataset-format.md) into data/, not kept in git
datasets:
	@$(READY)
	@mkdir -p data
	bin/kgnn-dataset synthetic -out data/synthetic.h5 -train 1000 -test 200 -n 128 -seed 1
	bin/kgnn-dataset suitesparse -matrices ../shared/matrices/suitesparse/MANIFEST.tsv -out data/suitesparse.h5 -resume

# make install [PREFIX=/usr/local] [DESTDIR=staging folder]:
#   PREFIX/lib/libkgnn.so.MAJOR.MINOR, the links libkgnn.so.MAJOR and libkgnn.so, lib/pkgconfig/kgnn.pc
#   PREFIX/include/kgnn.h and PREFIX/bin/kgnn-* (which find ../lib themselves)
#   PREFIX/share/kgnn/models, matrices and python (libkgnn finds them beside itself: src/io/share_path.c)
#   PREFIX/share/doc/kgnn: README.md, share/doc/*.md and examples/
# Every file, link and folder it creates is listed, as it goes, in PREFIX/share/kgnn/install_manifest.txt;
# make uninstall removes exactly those (a folder only when empty). Installing over an install
# uninstalls the old one first.
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL_MANIFEST = share/kgnn/install_manifest.txt
# ld.so searches these folders without ld.so.cache; any other (/usr/local/lib too, until ldconfig
# runs) gets an rpath in kgnn.pc, so that a program built with it runs without LD_LIBRARY_PATH
MULTIARCH     := $(shell $(CC) -print-multiarch 2>/dev/null)
SYSTEM_LIBDIRS = /lib /usr/lib /lib64 /usr/lib64 $(if $(MULTIARCH),/lib/$(MULTIARCH) /usr/lib/$(MULTIARCH))
PETSC_MAJOR_MINOR = $(shell sed -n 's/^\#define PETSC_VERSION_MAJOR *//p' $(PETSC_DIR)/include/petscversion.h).$(shell sed -n 's/^\#define PETSC_VERSION_MINOR *//p' $(PETSC_DIR)/include/petscversion.h)

install: lib/libkgnn.so $(BINS)
	@case '$(PREFIX)' in /*) ;; *) echo "make install: PREFIX must be an absolute path, not '$(PREFIX)'"; exit 1 ;; esac
	@if [ -f '$(DESTDIR)$(PREFIX)/$(INSTALL_MANIFEST)' ]; then $(MAKE) --no-print-directory uninstall PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)'; fi
	@rpath='-Wl,-rpath,$${libdir} '; for d in $(SYSTEM_LIBDIRS); do [ '$(PREFIX)/lib' = "$$d" ] && rpath=; done; \
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(KGNN_MAJOR).$(KGNN_MINOR)|' -e 's|@PETSC_VERSION@|$(PETSC_MAJOR_MINOR)|' -e "s|@RPATH@|$$rpath|" kgnn.pc.in > build/kgnn.pc
	@set -e; R='$(DESTDIR)$(PREFIX)'; M="$$R/$(INSTALL_MANIFEST)"; mkdir -p "$$R"; \
	made=; mkd() { [ "$$1" = . ] || [ -d "$$R/$$1" ] && return 0; mkd "$$(dirname "$$1")"; mkdir "$$R/$$1"; \
	  if [ -f "$$M" ]; then echo "$$1/" >> "$$M"; else made="$$made $$1/"; fi; }; \
	mkd share/kgnn; : > "$$M"; for d in $$made; do echo "$$d" >> "$$M"; done; \
	put() { mkd "$$(dirname "$$2")"; install -m "$$3" "$$1" "$$R/$$2"; echo "$$2" >> "$$M"; }; \
	lnk() { ln -sfn "$$1" "$$R/$$2"; echo "$$2" >> "$$M"; }; \
	put lib/$(LIB_REAL) lib/$(LIB_REAL) 755; lnk $(LIB_REAL) lib/$(LIB_SONAME); lnk $(LIB_SONAME) lib/libkgnn.so; \
	put build/kgnn.pc lib/pkgconfig/kgnn.pc 644; put include/kgnn.h include/kgnn.h 644; \
	for f in $(BINS); do put $$f $$f 755; done; \
	for f in share/models/*.h5 share/matrices/* share/python/*.py; do put $$f share/kgnn/$${f#share/} 644; done; \
	for f in README.md share/doc/*.md examples/*.c examples/*.py; do put $$f share/doc/kgnn/$${f#share/doc/} 644; done; \
	echo "installed kgnn $(KGNN_MAJOR).$(KGNN_MINOR) in $$R ($$(grep -vc '/$$' "$$M") files, listed in $$M)"

uninstall:
	@R='$(DESTDIR)$(PREFIX)'; M="$$R/$(INSTALL_MANIFEST)"; \
	if [ ! -f "$$M" ]; then echo "make uninstall: no $$M, so nothing that make install put under $$R"; exit 1; fi; \
	n=0; for f in $$(grep -v '/$$' "$$M"); do rm -f "$$R/$$f"; n=$$((n + 1)); done; \
	dirs=$$(sed -n 's|/$$||p' "$$M" | sort -r); rm -f "$$M"; \
	for d in $$dirs; do rmdir "$$R/$$d" 2>/dev/null || echo "make uninstall: kept $$R/$$d (it holds files make install did not put there)"; done; \
	echo "removed kgnn from $$R ($$n files)"

format:
	clang-format -i include/*.h src/*.h src/*.c src/*/*.h src/*/*.c tests/*.h tests/*.c examples/*.c

clean:
	rm -rf build lib bin

# ---- the graph network (src/model): plain C, its harness, and the build without PETSc ----
# src/model's headers and the model's PETSc face, for the library objects' dependencies
MODEL_HEADERS = $(wildcard src/model/*.h) src/io/model_face.h
$(LIB_OBJ): $(MODEL_HEADERS)
# the library's objects as a static archive: tests of internal functions link it (no #include of .c)
build/libkgnn-internal.a: $(LIB_OBJ)
	@$(if $(V),,echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^
# tests/model/test_layers.c: every layer of the table x every engine (finite differences, the
# invariants), plain C: linked with the internal archive and BLAS only
build/tests/test_layers: tests/model/test_layers.c tests/model/gradcheck.h build/libkgnn-internal.a $(MODEL_HEADERS)
	@mkdir -p build/tests
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) -O2 -Wall -Wextra -Wno-unused-parameter -o $@ $< build/libkgnn-internal.a -lblas -lm
build: build/tests/test_layers
# tests/model/test_kernels.c: every kernel body of src/model/kernels.h on every engine against
# plain reference loops (make check runs it with the other build/tests/test_*)
build/tests/test_kernels: tests/model/test_kernels.c tests/model/gradcheck.h build/libkgnn-internal.a $(MODEL_HEADERS)
	@mkdir -p build/tests
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) -O2 -Wall -Wextra -Wno-unused-parameter -o $@ $< build/libkgnn-internal.a -lblas -lm
build: build/tests/test_kernels
# the CUDA network test's own test, with two CPU engines in disguise (tests/model/test_cuda_net.c)
build/tests/test_cuda_net: tests/model/test_cuda_net.c tests/model/gradcheck.h build/libkgnn-internal.a $(MODEL_HEADERS)
	@mkdir -p build/tests
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) -O2 -Wall -Wextra -Wno-unused-parameter -o $@ $< build/libkgnn-internal.a -lblas -lm
build: build/tests/test_cuda_net
# src/model and the CPU engine compiled with no PETSc or HDF5 on the include path, the harness
# linked against them alone and run (make check runs this as its test model-nopetsc)
MODEL_SRC = $(wildcard src/model/*.c)
build/nopetsc/%.o: src/model/%.c $(wildcard src/model/*.h)
	@mkdir -p build/nopetsc
	$(Q)cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Wno-unused-parameter -Werror -c $< -o $@
# NOPETSC_BLAS: -lblas, or tests/model/dgemm_ref.c where no BLAS library is installed (the GPU machine)
NOPETSC_BLAS ?= -lblas
build/nopetsc/test_layers: tests/model/test_layers.c tests/model/gradcheck.h $(patsubst src/model/%.c,build/nopetsc/%.o,$(MODEL_SRC))
	$(Q)cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Wno-unused-parameter -Werror -o $@ $< $(filter %.o,$^) $(NOPETSC_BLAS) -lm
.PHONY: model-nopetsc
model-nopetsc: build/nopetsc/test_layers
	build/nopetsc/test_layers

# ---- the CUDA engine (src/cuda, issue 14): a separate library, never a dependency of libkgnn or
# of make build. nvcc from PATH, else the toolkit's usual place; without it `make cuda` says so and
# succeeds. sm_90 (H100/H200) code and PTX for later GPUs; --fmad=false so that a*b + c rounds as
# on the CPU; warnings are errors. build/cuda/: the kernel test and the network test linked with it
# and src/model without PETSc (share/check_cuda.sh runs them on a GPU machine).
NVCC       ?= $(or $(shell command -v nvcc 2>/dev/null),$(wildcard /usr/local/cuda/bin/nvcc))
CUDA_ARCH  ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
CUDA_LIBDIR = $(abspath $(dir $(NVCC))../lib64)
NVCC_FLAGS  = -O3 -std=c++17 --fmad=false -Werror all-warnings -Xcompiler -fPIC,-Wall,-Wextra,-Wno-unused-parameter,-Werror $(CUDA_ARCH)
CUDA_TESTS  = build/cuda/test_kernels build/cuda/test_cuda_net build/cuda/bench_net
.PHONY: cuda check-cuda
cuda:
	@if [ -z "$(NVCC)" ]; then echo "make cuda: no nvcc (on PATH or in /usr/local/cuda/bin): the CUDA engine is not built; the CPU build does not need it"; \
	else $(MAKE) --no-print-directory lib/libkgnn-cuda.so $(CUDA_TESTS); fi
lib/libkgnn-cuda.so: src/cuda/engine_cuda.cu src/cuda/engine_cuda.h src/model/kernels.h src/model/engine.h src/model/base.h
	@mkdir -p lib
	@$(if $(V),,echo "  NVCC    $@")
	$(Q)$(NVCC) $(NVCC_FLAGS) -shared -o $@ $< -Xlinker -rpath,$(CUDA_LIBDIR) -L$(CUDA_LIBDIR) -lcublas
build/cuda/%: tests/model/%.c tests/model/gradcheck.h lib/libkgnn-cuda.so $(patsubst src/model/%.c,build/nopetsc/%.o,$(MODEL_SRC))
	@mkdir -p build/cuda
	@$(if $(V),,echo "  LD      $@")
	$(Q)cc -std=c11 -D_POSIX_C_SOURCE=200809L -DKGNN_TEST_CUDA -O2 -Wall -Wextra -Wno-unused-parameter -Werror -o $@ $< $(filter %.o,$^) -Llib -lkgnn-cuda -Wl,-rpath,$(CURDIR)/lib $(NOPETSC_BLAS) -lm
# on a GPU machine (nvcc, PyTorch, PyG; no PETSc or HDF5 needed): one script, correctness first
check-cuda:
	@sh share/check_cuda.sh
