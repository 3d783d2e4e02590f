"""The PCGNN network in PyTorch Geometric: the reference the C implementation (src/model/) must
match to 1e-10 in float64. Every choice is written down in share/doc/model.md.

Node models: MLPNodeModel, MessagePassingMLP, GATv2, GEN, GraphTransformer, GlobalGraphTransformer
(the paper's Sec. 6.1), each a class registered by @node_model("Name"): the name of the weight
files and of kgnn-train -node_model. A new layer is one class and its decorator line
(share/doc/training.md, "A new layer in the Python reference").
"""
import torch
from torch import nn
from torch_geometric.nn import GATv2Conv, GENConv, MessagePassing, TransformerConv
from torch_geometric.utils import scatter

NODE_MODELS = {}  # name -> class, in the order registered (the order the fixture scripts draw weights in)


def node_model(name):
    """Class decorator: registers a node model under its name (the C library's KGNNNodeModelName).
    The class is built as cls(hidden) and called as forward(x, edge_index, e, batch): node
    features x, edge_index[1] the receivers, edge features e, batch the graph of each node."""

    def register(cls):
        if name in NODE_MODELS:
            raise ValueError(f"node model {name} registered twice ({NODE_MODELS[name].__name__}, {cls.__name__})")
        NODE_MODELS[name] = cls
        cls.kgnn_name = name
        return cls

    return register


def mlp(n_in, hidden, n_out):
    """Linear -> ReLU -> Linear (state_dict keys .0.* and .2.*)"""
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


@node_model("MLPNodeModel")
class MLPNodeModel(nn.Module):
    """h_i = f1(h_i): no messages, the paper's baseline"""

    def __init__(self, hidden):
        super().__init__()
        self.f1 = mlp(hidden, hidden, hidden)

    def forward(self, x, edge_index, e, batch=None):
        return self.f1(x)


@node_model("MessagePassingMLP")
class MessagePassingMLP(MessagePassing):
    """h_i = f2(h_i, mean_j f1(h_i, e_ji)) over the edges j -> i (edge_index[1] = receiver)"""

    def __init__(self, hidden):
        super().__init__(aggr="mean", flow="source_to_target")
        self.f1 = mlp(2 * hidden, hidden, hidden)
        self.f2 = mlp(2 * hidden, hidden, hidden)

    def forward(self, x, edge_index, e, batch=None):
        agg = self.propagate(edge_index, x=x, e=e)
        return self.f2(torch.cat([x, agg], dim=1))

    def message(self, x_i, e):
        return self.f1(torch.cat([x_i, e], dim=1))


@node_model("GATv2")
class GATv2NodeModel(nn.Module):
    """GATv2Conv with every constructor argument pinned (share/doc/model.md): one head, no
    added self-loops (the diagonal edges are already there), edge features in the attention"""

    def __init__(self, hidden):
        super().__init__()
        self.conv = GATv2Conv(
            hidden, hidden, heads=1, concat=True, negative_slope=0.2, dropout=0.0, add_self_loops=False, edge_dim=hidden, bias=True, share_weights=False, residual=False
        )

    def forward(self, x, edge_index, e, batch=None):
        return self.conv(x, edge_index, e)


@node_model("GEN")
class GENNodeModel(nn.Module):
    """GENConv with softmax aggregation (t = 1, fixed), no message norm and no BatchNorm (a
    batch-dependent output has no place in a preconditioner); in = out = edge_dim, so the edge
    features enter raw: m = relu(h_j + e_ji) + 1e-7, out = mlp(h_i + softmax-aggregate(m))"""

    def __init__(self, hidden):
        super().__init__()
        self.conv = GENConv(
            hidden, hidden, aggr="softmax", t=1.0, learn_t=False, msg_norm=False, norm=None, num_layers=2, expansion=2, eps=1e-7, bias=False, edge_dim=hidden
        )

    def forward(self, x, edge_index, e, batch=None):
        return self.conv(x, edge_index, e)


@node_model("GraphTransformer")
class GraphTransformerNodeModel(nn.Module):
    """TransformerConv (Shi et al.) with one head, beta = False, root_weight: score =
    q_i . (k_j + W_e e_ji) / sqrt(16), softmax over the edges into i, out_i =
    sum alpha (v_j + W_e e_ji) + lin_skip h_i"""

    def __init__(self, hidden):
        super().__init__()
        self.conv = TransformerConv(hidden, hidden, heads=1, concat=True, beta=False, dropout=0.0, edge_dim=hidden, bias=True, root_weight=True)

    def forward(self, x, edge_index, e, batch=None):
        return self.conv(x, edge_index, e)


class AllPairAttention(nn.Module):
    """SGFormer's linear all-pair attention (Wu et al. 2023), PyG's SGFormerAttention formula
    with one head of 16 channels and bias-free q, k, v, per graph of a batch: exact zeros of
    Q and K become 1e-6, rows of Q and K are L2-normalised, and
    out = (Q (K^T V) + N V) / (Q (K^T 1) + N), N the graph's node count.
    Written out here because PyG's module builds its ones in float32 and fails in float64."""

    def __init__(self, hidden):
        super().__init__()
        self.q = nn.Linear(hidden, hidden, bias=False)
        self.k = nn.Linear(hidden, hidden, bias=False)
        self.v = nn.Linear(hidden, hidden, bias=False)

    def forward(self, x, batch):
        q, k, v = self.q(x), self.k(x), self.v(x)
        q = torch.where(q == 0, torch.full_like(q, 1e-6), q)
        k = torch.where(k == 0, torch.full_like(k, 1e-6), k)
        q = q / torch.linalg.norm(q, dim=1, keepdim=True)
        k = k / torch.linalg.norm(k, dim=1, keepdim=True)
        ngraphs = int(batch.max()) + 1 if batch.numel() else 0
        kv = scatter(k.unsqueeze(2) * v.unsqueeze(1), batch, dim=0, dim_size=ngraphs, reduce="sum")  # per graph K^T V
        ksum = scatter(k, batch, dim=0, dim_size=ngraphs, reduce="sum")
        count = scatter(torch.ones_like(batch, dtype=x.dtype), batch, dim=0, dim_size=ngraphs, reduce="sum")
        num = torch.einsum("nm,nmd->nd", q, kv[batch]) + count[batch].unsqueeze(1) * v
        den = (q * ksum[batch]).sum(dim=1, keepdim=True) + count[batch].unsqueeze(1)
        return num / den


@node_model("GlobalGraphTransformer")
class GlobalGraphTransformerNodeModel(nn.Module):
    """(1 - alpha) AN(h) + alpha GN(h) with alpha = 0.5: all-pair attention plus the pinned GATv2
    as the local branch (the paper's Sec. 6.1)"""

    def __init__(self, hidden):
        super().__init__()
        self.attn = AllPairAttention(hidden)
        self.conv = GATv2NodeModel(hidden).conv

    def forward(self, x, edge_index, e, batch=None):
        if batch is None:
            batch = torch.zeros(x.shape[0], dtype=torch.long, device=x.device)
        return 0.5 * self.attn(x, batch) + 0.5 * self.conv(x, edge_index, e)


ELIM_TAU = 1e-4  # the pivot floor's scale (src/model/elim.c)
ELIM_CLIP = 2.0  # the products' factors are clipped to [-ELIM_CLIP, ELIM_CLIP] (src/model/elim.c)


@node_model("ElimOrder")
class ElimOrder(nn.Module):
    """The elimination-order layer (issue 12), a plain loop over the columns j = 0 .. n-1 in the
    natural order (the C code runs them level set by level set: the same numbers). For column
    j, with s = e + out the finished states of the lower and diagonal edges:
      c_j = e_jj - sum_{(j,k), k < j} [p(s_jk)] * [q(s_jk)];  d_j = sqrt(phi(u . c_j));  out_jj = w_diag d_j
      c_ij = e_ij - sum_{k < j, (i,k), (j,k)} [p(s_ik)] * [q(s_jk)];  out_ij = o(c_ij) / d_j   (i > j)
    IC(0)'s updates, learned ([.] clips to [-2, 2]); phi(z) = z above tau, tau^2 / (2 tau - z) below (a positive pivot).
    Upper and virtual edges: out = 0. Nodes: n([h_j, mean_{i >= j} s_ij]). Returns (dh, de)."""

    writes_edges = True

    def __init__(self, hidden):
        super().__init__()
        self.p = nn.Linear(hidden, hidden, bias=False)
        self.q = nn.Linear(hidden, hidden, bias=False)
        self.o = nn.Linear(hidden, hidden, bias=False)
        self.n = nn.Linear(2 * hidden, hidden, bias=False)
        bound = 1 / hidden**0.5
        self.u = nn.Parameter(torch.empty(hidden).uniform_(-bound, bound))
        self.w_diag = nn.Parameter(torch.empty(hidden).uniform_(-bound, bound))

    def forward(self, x, edge_index, e, batch=None, n_real=None):
        n, m = x.shape[0], e.shape[0]
        nr = n if n_real is None else n_real
        snd, rcv = edge_index[0].tolist(), edge_index[1].tolist()
        rows, cols, diag = [[] for _ in range(nr)], [[] for _ in range(nr)], {}
        for k in range(m):
            i, j = snd[k], rcv[k]
            if i >= nr or j >= nr:
                continue  # virtual edges
            if i > j:
                rows[i].append((j, k))
                cols[j].append(k)
            elif i == j and i not in diag:
                diag[i] = k
        rows = [dict(sorted(r)) for r in rows]  # column k -> edge (i, k), ascending k
        zero = torch.zeros_like(e[0])
        out, P, Q, mean = [zero] * m, {}, {}, [zero] * n
        for j in range(nr):
            cd = e[diag[j]] if j in diag else zero
            for k, ejk in rows[j].items():
                cd = cd - P[ejk] * Q[ejk]
            z = (self.u * cd).sum()
            d = torch.sqrt(z if z.item() >= ELIM_TAU else ELIM_TAU**2 / (2 * ELIM_TAU - z))
            col = []
            if j in diag:
                out[diag[j]] = self.w_diag * d
                col.append(e[diag[j]] + out[diag[j]])
            for eij in cols[j]:
                c, ri = e[eij], rows[snd[eij]]
                for k, ejk in rows[j].items():
                    if k in ri:
                        c = c - P[ri[k]] * Q[ejk]
                out[eij] = self.o(c) / d
                s = e[eij] + out[eij]
                P[eij], Q[eij] = self.p(s).clamp(-ELIM_CLIP, ELIM_CLIP), self.q(s).clamp(-ELIM_CLIP, ELIM_CLIP)
                col.append(s)
            if col:
                mean[j] = torch.stack(col).mean(0)
        return self.n(torch.cat([x, torch.stack(mean)], dim=1)), torch.stack(out)


class Block(nn.Module):
    """One graph-network block (no global model): edges first, then nodes, both residual"""

    def __init__(self, node_model, hidden):
        super().__init__()
        self.edge = mlp(3 * hidden, hidden, hidden)
        self.node_model = NODE_MODELS[node_model](hidden)

    def forward(self, x, edge_index, e, batch, n_real=None):
        e = e + self.edge(torch.cat([e, x[edge_index[0]], x[edge_index[1]]], dim=1))
        if getattr(self.node_model, "writes_edges", False):  # ElimOrder: node and edge updates, both residual
            dx, de = self.node_model(x, edge_index, e, batch, n_real)
            return x + dx, e + de
        x = x + self.node_model(x, edge_index, e, batch)  # batch: for the layers that act per graph
        return x, e


class Encoder(nn.Module):
    def __init__(self, hidden, edge_in):
        super().__init__()
        self.node_mlp = mlp(1, hidden, hidden)
        self.edge_mlp = mlp(edge_in, hidden, hidden)


class Processor(nn.Module):
    def __init__(self, node_model, depth, hidden):
        super().__init__()
        self.blocks = nn.ModuleList([Block(node_model, hidden) for _ in range(depth)])


class Decoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.mlp = mlp(hidden, hidden, 1)


class KGNNModel(nn.Module):
    """Encoder-processor-decoder on the graph of A; forward gives one value per edge, of which
    those with edge_index[0] >= edge_index[1] form L."""

    def __init__(self, node_model="MessagePassingMLP", depth=3, hidden=16, positional=False, virtual_node=False):
        super().__init__()
        if node_model not in NODE_MODELS:
            raise NotImplementedError(f"node model {node_model} (implemented: {', '.join(NODE_MODELS)})")
        self.node_model, self.depth, self.hidden, self.positional = node_model, depth, hidden, positional
        self.virtual_node = virtual_node
        self.encoder = Encoder(hidden, 2 if positional else 1)
        self.processor = Processor(node_model, depth, hidden)
        self.decoder = Decoder(hidden)

    def forward(self, edge_index, edge_attr, num_nodes, batch=None):
        a = edge_attr.reshape(-1)
        if batch is None:
            batch = torch.zeros(num_nodes, dtype=torch.long, device=a.device)
        # per graph, A / max|A|: L is defined up to scale (Sec. 6.2)
        eb = batch[edge_index[0]]
        scale = scatter(a.abs(), eb, dim=0, reduce="max")
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        feats = [(a / scale[eb]).unsqueeze(1)]
        if self.positional:  # Appendix B: -1 below the diagonal, +1 above
            feats.append(torch.sign(edge_index[1] - edge_index[0]).to(a.dtype).unsqueeze(1))
        feats = torch.cat(feats, dim=1)
        m, n = edge_index.shape[1], num_nodes
        if self.virtual_node:  # Appendix A: one extra node per graph, joined both ways to every node
            edge_index, feats, batch, n = self._add_virtual_nodes(edge_index, feats, batch, num_nodes)
        x = self.encoder.node_mlp(torch.ones(n, 1, dtype=a.dtype, device=a.device))
        e = self.encoder.edge_mlp(feats)
        for block in self.processor.blocks:
            x, e = block(x, edge_index, e, batch, num_nodes)
        return self.decoder.mlp(e[:m]).reshape(-1)  # virtual edges never enter L

    @staticmethod
    def _add_virtual_nodes(edge_index, feats, batch, num_nodes):
        """virtual node of graph g = num_nodes + g; edges node -> virtual for every node, then
        virtual -> node, appended after the real edges, with all edge features 0; no self-loop"""
        ngraphs = int(batch.max()) + 1 if batch.numel() else 0
        nodes = torch.arange(num_nodes, device=edge_index.device)
        virt = num_nodes + batch
        extra = torch.cat([torch.stack([nodes, virt]), torch.stack([virt, nodes])], dim=1)
        zeros = torch.zeros(extra.shape[1], feats.shape[1], dtype=feats.dtype, device=feats.device)
        batch = torch.cat([batch, torch.arange(ngraphs, device=batch.device)])
        return torch.cat([edge_index, extra], dim=1), torch.cat([feats, zeros]), batch, num_nodes + ngraphs
