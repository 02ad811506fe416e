namespace SharpGrad.Distributed;

/// <summary>How <see cref="Dist.AllReduce"/> combines the ranks' tensors element by element (PyTorch <c>torch.distributed.ReduceOp</c>).</summary>
public enum ReduceOp
{
    /// <summary>The sum over ranks (<c>ReduceOp.SUM</c>).</summary>
    Sum,

    /// <summary>The sum divided by the world size (<c>ReduceOp.AVG</c>); for int64 the quotient is rounded toward zero.</summary>
    Avg,

    /// <summary>The largest value (<c>ReduceOp.MAX</c>).</summary>
    Max,

    /// <summary>The smallest value (<c>ReduceOp.MIN</c>).</summary>
    Min,
}
