using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using Cnnrt.Threading;

namespace Cnnrt.Planning;

/// <summary>
/// Binds a graph to concrete input shapes: infers every value's type and shape, folds what the shapes make constant
/// (Shape→Gather→Concat→Reshape chains), keeps the rest as float32 steps, and lays their tensors out in one arena by
/// lifetime. Everything that can fail fails here, with the node named, so Run cannot.
/// </summary>
public static class Planner
{
    /// <summary>Floats of arena past the last tensor: every slot can be over-read by this much without leaving the array.</summary>
    public const int ArenaReadSlack = Kernels.F32Gemm.ConvPhaseLayout.MaxOverreach;

    public static Plan Build(ModelGraph g, IReadOnlyList<Operator> operators, IReadOnlyList<int[]> inputShapes, Limits? limits = null,
        KernelIsa? isa = null, WorkerPool? pool = null)
    {
        var path = isa ?? CpuFeatures.Best;
        if (!CpuFeatures.Supports(path))
            throw CnnrtException.Argument($"kernel path {CpuFeatures.Name(path)} is not supported on this CPU (best: {CpuFeatures.Name(CpuFeatures.Best)})");
        limits ??= Limits.Default;
        if (inputShapes.Count != g.Inputs.Count)
            throw CnnrtException.Argument($"the model has {g.Inputs.Count} inputs, {inputShapes.Count} shapes were given");

        var infos = new Dictionary<string, ValueInfo>(StringComparer.Ordinal);
        foreach (var (name, t) in g.Initializers) infos[name] = ValueInfo.Of(t);
        for (int i = 0; i < g.Inputs.Count; i++)
            infos[g.Inputs[i].Name] = InputInfo(g.Inputs[i], inputShapes[i], limits);

        // Infer, fold, and keep the nodes that must run.
        var layers = new List<PlannedLayer>();
        for (int k = 0; k < g.Nodes.Count; k++)
        {
            var node = g.Nodes[k];
            var op = operators[k];
            var ins = new ValueInfo?[node.Inputs.Length];
            for (int i = 0; i < ins.Length; i++) ins[i] = node.Inputs[i].Length > 0 ? infos[node.Inputs[i]] : null;
            var outs = op.InferOutputs(ins);
            if (outs.Length < node.Outputs.Count(o => o.Length > 0))
                throw CnnrtException.Model($"{node.Describe()}: declares {node.Outputs.Length} outputs, the operator produces {outs.Length}");
            foreach (var o in outs) ShapeMath.Count(o.Shape, $"{node.Describe()} output", limits);

            bool folded = IsFolded(node, outs);
            if (!folded && Array.TrueForAll(ins, i => i is null || i.IsConstant))
            {
                // Every input is known: evaluate now rather than at every run.
                var values = op.Evaluate(Array.ConvertAll(ins, i => i?.Constant));
                outs = Array.ConvertAll(values, ValueInfo.Of);
                folded = true;
            }
            for (int j = 0; j < node.Outputs.Length && j < outs.Length; j++)
                if (node.Outputs[j].Length > 0) infos[node.Outputs[j]] = outs[j];
            if (folded) continue;

            for (int i = 0; i < ins.Length; i++)
                if (ins[i] is { IsConstant: false, Type: not DataType.Float })
                    throw CnnrtException.Unsupported($"{node.Describe()}: input '{node.Inputs[i]}' is a runtime {DataTypes.Name(ins[i]!.Type)} tensor; only float32 tensors flow at run time (shape computations must be foldable from the input shape)");
            for (int j = 0; j < node.Outputs.Length && j < outs.Length; j++)
                if (node.Outputs[j].Length > 0 && outs[j].Type != DataType.Float)
                    throw CnnrtException.Unsupported($"{node.Describe()}: output '{node.Outputs[j]}' would be a runtime {DataTypes.Name(outs[j].Type)} tensor; only float32 tensors flow at run time");
            layers.Add(new PlannedLayer { Node = node, Operator = op, Inputs = ins, Outputs = outs });
        }

        return Lay(g, layers, infos, limits, path, pool);
    }

    /// <summary>
    /// The arena, pinned (it never moves) and used from its first 64-byte boundary on (the start index returned), so
    /// that every tensor the planner places at a multiple of <see cref="ArenaPlanner.Alignment"/> floats starts on a
    /// cache line. A plain float[]'s elements start 16 bytes into the object, 8 bytes past a line here: every
    /// AVX-512 load and store of the arena then spanned two cache lines.
    /// </summary>
    private static unsafe (float[] Arena, int Start) AllocateAligned(long floats)
    {
        const int lineFloats = 64 / sizeof(float);
        var arena = GC.AllocateArray<float>(checked((int)(floats + lineFloats)), pinned: true);
        fixed (float* p = arena)
        {
            int misaligned = (int)((nint)p % 64) / sizeof(float);
            return (arena, misaligned == 0 ? 0 : lineFloats - misaligned);
        }
    }

    private static bool IsFolded(Node node, ValueInfo[] outs)
    {
        for (int j = 0; j < node.Outputs.Length && j < outs.Length; j++)
            if (node.Outputs[j].Length > 0 && !outs[j].IsConstant) return false;
        return true;
    }

    private static ValueInfo InputInfo(ValueDecl decl, int[] shape, Limits limits)
    {
        if (decl.Type != DataType.Float)
            throw CnnrtException.Unsupported($"graph input '{decl.Name}' is {DataTypes.Name(decl.Type)}; cnnrt runs float32 inputs");
        if (shape.Length > limits.MaxRank)
            throw CnnrtException.Limit($"input '{decl.Name}': rank {shape.Length} exceeds the limit {limits.MaxRank}");
        if (decl.Dims is { } dims)
        {
            if (dims.Length != shape.Length)
                throw CnnrtException.Argument($"input '{decl.Name}' has shape {ShapeMath.Format(shape)}, but the model declares {decl}");
            for (int i = 0; i < dims.Length; i++)
                if (dims[i] >= 0 && dims[i] != shape[i])
                    throw CnnrtException.Argument($"input '{decl.Name}' has shape {ShapeMath.Format(shape)}, but the model declares {decl} (dimension {i} must be {dims[i]})");
        }
        foreach (int d in shape)
            if (d <= 0) throw CnnrtException.Argument($"input '{decl.Name}': dimension {d} in {ShapeMath.Format(shape)} must be positive");
        ShapeMath.Count(shape, $"input '{decl.Name}'", limits);
        return new ValueInfo(DataType.Float, (int[])shape.Clone());
    }

    /// <summary>Assigns arena memory by lifetime and binds every step to its slots.</summary>
    private static Plan Lay(ModelGraph g, List<PlannedLayer> layers, Dictionary<string, ValueInfo> infos, Limits limits, KernelIsa isa,
        WorkerPool? pool)
    {
        // Storage: one per runtime value, except views, which share their input's, and the inputs of skipped
        // Concats, which live inside its output (at an offset in floats).
        var (blocks, skippedConcats) = ConcatElision.Find(g, layers, infos);
        // And the Convs that take in the residual Add (and activation) after them write into that node's output.
        var index = new LayerIndex(g, layers);
        var (residuals, skippedResiduals, storedIn) = ResidualFusion.Find(g, layers, index, infos, blocks.Keys.ToHashSet(StringComparer.Ordinal));
        // Both kinds of value live in another value's storage, at an offset (0 for the folded Conv's).
        var placedIn = new Dictionary<string, (string Owner, int Offset)>(StringComparer.Ordinal);
        foreach (var (value, block) in blocks) placedIn[value] = (block.Concat, block.Offset);
        foreach (var (value, owner) in storedIn) placedIn[value] = (owner, 0);
        // And the Convs that take in the MaxPool after them write its output; their own output is never stored.
        var (pooled, skippedPools) = PoolFusion.Find(layers, index, isa, placedIn.Keys.ToHashSet(StringComparer.Ordinal),
            residuals.Keys.ToHashSet());
        // And the values stored channel-blocked between kernels that take them so.
        var skipped = skippedConcats.Concat(skippedResiduals).Concat(skippedPools).ToHashSet();
        var blocked = ChannelBlocking.Find(layers, index, isa, blocks.Keys.Concat(blocks.Values.Select(b => b.Concat)).ToHashSet(StringComparer.Ordinal),
            skipped, pooled.Keys.ToHashSet(), residuals.ToDictionary(r => r.Key, r => (r.Value.Residual, storedIn[layers[r.Key].Node.Outputs[0]])));
        // A value stored in a folded residual's output has that output's layout (the Conv writes it there).
        foreach (var (value, owner) in storedIn)
            if (blocked.Contains(owner)) blocked.Add(value);
        // And the pointwise Convs that the depthwise Convs after them compute row by row; their output is never stored.
        var expansions = ExpandFusion.Find(layers, index, isa, placedIn.Keys.ToHashSet(StringComparer.Ordinal),
            residuals.Keys.Concat(pooled.Keys).ToHashSet(), blocked);
        var expanded = expansions.Values.ToHashSet();
        skipped.UnionWith(expanded);
        int lanes = ChannelBlockedLayout.Lanes(isa);
        int Floats(string name) => blocked.Contains(name) ? checked((int)ChannelBlockedLayout.Count(infos[name].Shape, lanes)) : infos[name].Count;
        var storageOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var offsetOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var requests = new List<(int Size, int First, int Last)>();
        long intermediate = 0;
        int NewStorage(string name, int first)
        {
            int size = Floats(name);
            requests.Add((size, first, first));
            intermediate += (long)size * sizeof(float);
            return storageOf[name] = requests.Count - 1;
        }
        void Touch(string name, int step)
        {
            int s = storageOf[name];
            var r = requests[s];
            requests[s] = (r.Size, Math.Min(r.First, step), Math.Max(r.Last, step));
        }

        // Storage for a value written at a step: in its owner's (the first value written there creates it), its own,
        // or the one it already has, whose lifetime then reaches this step.
        void Written(string value, int step)
        {
            if (placedIn.TryGetValue(value, out var place))
            {
                storageOf[value] = storageOf.TryGetValue(place.Owner, out int whole) ? whole : NewStorage(place.Owner, step);
                offsetOf[value] = place.Offset;
                Touch(value, step);
            }
            else if (!storageOf.ContainsKey(value)) NewStorage(value, step);
            else Touch(value, step);
        }

        foreach (var input in g.Inputs) NewStorage(input.Name, 0);
        for (int k = 0; k < layers.Count; k++)
        {
            var node = layers[k].Node;
            foreach (var i in node.Inputs)
                if (i.Length > 0 && storageOf.ContainsKey(i)) Touch(i, k);
            // A depthwise Conv that computes its input reads the pointwise Conv's input instead.
            if (expansions.TryGetValue(k, out int pointwise)) Touch(layers[pointwise].Node.Inputs[0], k);
            if (expanded.Contains(k)) continue;
            for (int j = 0; j < node.Outputs.Length; j++)
            {
                string o = node.Outputs[j];
                if (o.Length == 0 || infos[o].IsConstant) continue;
                if (pooled.TryGetValue(k, out var poolFold))
                {
                    // A Conv that takes the MaxPool after it writes the pool's output: that storage lives from here
                    // (else the arena could give it the memory of the Conv's own input, still being read).
                    Written(poolFold.Output, k);
                    continue;
                }
                if (j == 0 && layers[k].Operator is IViewOperator && storageOf.TryGetValue(node.Inputs[0], out int shared))
                {
                    storageOf[o] = shared;
                    if (offsetOf.TryGetValue(node.Inputs[0], out int at)) offsetOf[o] = at;
                    Touch(o, k);
                }
                else Written(o, k);
            }
        }
        foreach (var o in g.Outputs)
            if (storageOf.ContainsKey(o.Name)) Touch(o.Name, layers.Count);

        var (offsets, total) = ArenaPlanner.Place(requests.Select(r => new ArenaRequest(r.Size, r.First, r.Last)).ToList());
        if (total * sizeof(float) > limits.MaxArenaBytes)
            throw CnnrtException.Limit($"the arena would need {total * sizeof(float)} bytes, over the limit of {limits.MaxArenaBytes}");
        // The tail lets fast kernels read (never write) a little past any tensor, e.g. a GEMM's last partial tile of a
        // 1×1 convolution reading X in place; those lanes are discarded.
        var (arena, arenaStart) = AllocateAligned(total + ArenaReadSlack);

        Slot SlotOf(string name, string role)
        {
            var info = infos[name];
            if (storageOf.TryGetValue(name, out int s)) return new Slot(arena, arenaStart + offsets[s] + offsetOf.GetValueOrDefault(name), Floats(name));
            if (info.Constant is { Type: DataType.Float } c) return Slot.Of(c.Floats);
            if (info.Constant is not null) return default; // non-float constants are read from ValueInfo.Constant
            throw new InvalidOperationException($"{role} '{name}' has no storage"); // planner invariant
        }

        var steps = new Step[layers.Count];
        var scratch = new Threading.ScratchSpace();
        for (int k = 0; k < layers.Count; k++)
        {
            var layer = layers[k];
            var node = layer.Node;
            if (skipped.Contains(k))
            {
                // Runs nothing, so binds nothing (a skipped MaxPool's input, the fused Conv's output, has no storage).
                steps[k] = new SkippedStep { NodeName = node.Name, OpType = node.OpType };
                continue;
            }
            var pooledInto = pooled.TryGetValue(k, out var into) ? into : (PoolFusion.Fold?)null;
            var inSlots = new Slot[node.Inputs.Length];
            PointwiseExpansion? expansion = null;
            if (expansions.TryGetValue(k, out int e))
            {
                string x = layers[e].Node.Inputs[0];
                expansion = ((Operators.Nn.ConvOperator)layers[e].Operator).AsExpansion(layers[e].Inputs, SlotOf(x, "input"), blocked.Contains(x) ? lanes : 0);
            }
            for (int i = 0; i < inSlots.Length; i++)
                if (node.Inputs[i].Length > 0 && !(i == 0 && expansion is not null)) inSlots[i] = SlotOf(node.Inputs[i], "input");
            var outSlots = new Slot[layer.Outputs.Length];
            for (int j = 0; j < outSlots.Length; j++)
                if (j < node.Outputs.Length && node.Outputs[j].Length > 0)
                    outSlots[j] = pooledInto is { } fold ? SlotOf(fold.Output, "pooled output") : SlotOf(node.Outputs[j], "output");
            steps[k] = layer.Operator.CreateStep(new StepContext
            {
                InputInfos = layer.Inputs, OutputInfos = layer.Outputs, Inputs = inSlots, Outputs = outSlots, Isa = isa, Pool = pool, Scratch = scratch,
                Residual = residuals.TryGetValue(k, out var residual) ? new ResidualAdd(SlotOf(residual.Residual, "residual"), residual.Activation) : null,
                MaxPool = pooledInto?.Window,
                Expansion = expansion,
                InputLanes = Array.ConvertAll(node.Inputs, i => blocked.Contains(i) ? lanes : 0),
                OutputLanes = node.Outputs.Length > 0 && blocked.Contains(node.Outputs[0]) ? lanes : 0,
            });
        }

        var inputInfos = g.Inputs.Select(i => infos[i.Name]).ToArray();
        var inputSlots = g.Inputs.Select(i => SlotOf(i.Name, "graph input")).ToArray();
        var outputInfos = new ValueInfo[g.Outputs.Count];
        var outputSlots = new Slot[g.Outputs.Count];
        for (int i = 0; i < g.Outputs.Count; i++)
        {
            var info = infos[g.Outputs[i].Name];
            if (info.Type != DataType.Float)
                throw CnnrtException.Unsupported($"graph output '{g.Outputs[i].Name}' is {DataTypes.Name(info.Type)}; cnnrt returns float32 outputs");
            outputInfos[i] = info;
            outputSlots[i] = SlotOf(g.Outputs[i].Name, "graph output");
        }
        scratch.Allocate();
        return new Plan(steps, arena, scratch, inputInfos, inputSlots, outputInfos, outputSlots, layers.ToArray(), intermediate, isa, blocked, pool);
    }
}
