import ONNX

/// ONNX op types the engine lowers, besides `Constant` (which becomes a value, not a node).
let supportedOpTypes: Set<String> = [
    "Conv", "ConvTranspose", "MatMul", "Gemm",
    "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min",
    "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor",
    "Sqrt", "Erf", "Sigmoid", "Sin", "Cos", "Exp", "Log", "Neg", "Abs", "Relu", "Tanh", "Reciprocal",
    "Floor", "Ceil", "Not", "Where", "Clip",
    "Softmax", "LayerNormalization", "InstanceNormalization",
    "ReduceMean", "ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceSumSquare",
    "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Slice", "Split", "Concat",
    "Gather", "Pad", "Tile", "Expand", "ScatterND", "Range", "ConstantOfShape", "Shape", "Cast",
    "DFT", "STFT",
]

extension NodeContext {
    /// Lowers the node to a typed op with static output shapes.
    func lower() throws -> LoweredNode {
        switch opType {
        case "Conv": return try lowerConv(transposed: false)
        case "ConvTranspose": return try lowerConv(transposed: true)
        case "MatMul": return try lowerMatMul()
        case "Gemm": return try lowerGemm()
        case "Add": return try lowerBinary(.add)
        case "Sub": return try lowerBinary(.sub)
        case "Mul": return try lowerBinary(.mul)
        case "Div": return try lowerBinary(.div)
        case "Pow": return try lowerBinary(.pow)
        case "Mod": return try lowerBinary(try int("fmod", default: 0) != 0 ? .fmod : .mod)
        case "Max", "Min":
            guard operands.count == 2 else { throw unsupported("only the two-input form is supported") }
            return try lowerBinary(opType == "Max" ? .max : .min)
        case "Equal": return try lowerBinary(.equal)
        case "Less": return try lowerBinary(.less)
        case "Greater": return try lowerBinary(.greater)
        case "LessOrEqual": return try lowerBinary(.lessOrEqual)
        case "GreaterOrEqual": return try lowerBinary(.greaterOrEqual)
        case "And": return try lowerBinary(.and)
        case "Or": return try lowerBinary(.or)
        case "Xor": return try lowerBinary(.xor)
        case "Sqrt": return try lowerUnary(.sqrt)
        case "Erf": return try lowerUnary(.erf)
        case "Sigmoid": return try lowerUnary(.sigmoid)
        case "Sin": return try lowerUnary(.sin)
        case "Cos": return try lowerUnary(.cos)
        case "Exp": return try lowerUnary(.exp)
        case "Log": return try lowerUnary(.log)
        case "Neg": return try lowerUnary(.neg)
        case "Abs": return try lowerUnary(.abs)
        case "Relu": return try lowerUnary(.relu)
        case "Tanh": return try lowerUnary(.tanh)
        case "Reciprocal": return try lowerUnary(.reciprocal)
        case "Floor": return try lowerUnary(.floor)
        case "Ceil": return try lowerUnary(.ceil)
        case "Not": return try lowerUnary(.not)
        case "Where": return try lowerWhere()
        case "Clip": return try lowerClip()
        case "Softmax": return try lowerSoftmax()
        case "LayerNormalization": return try lowerLayerNorm()
        case "InstanceNormalization": return try lowerInstanceNorm()
        case "ReduceMean": return try lowerReduce(.mean)
        case "ReduceSum": return try lowerReduce(.sum)
        case "ReduceProd": return try lowerReduce(.product)
        case "ReduceMax": return try lowerReduce(.max)
        case "ReduceMin": return try lowerReduce(.min)
        case "ReduceSumSquare": return try lowerReduce(.sumSquares)
        case "Transpose": return try lowerTranspose()
        case "Reshape": return try lowerReshape()
        case "Flatten": return try lowerFlatten()
        case "Squeeze": return try lowerSqueeze()
        case "Unsqueeze": return try lowerUnsqueeze()
        case "Identity": return try lowerIdentity()
        case "Slice": return try lowerSlice()
        case "Split": return try lowerSplit()
        case "Concat": return try lowerConcat()
        case "Gather": return try lowerGather()
        case "Pad": return try lowerPad()
        case "Tile": return try lowerTile()
        case "Expand": return try lowerExpand()
        case "ScatterND": return try lowerScatterND()
        case "Range": return try lowerRange()
        case "ConstantOfShape":
            let value = try node.attribute("value").map { attribute -> Tensor in
                guard case .tensor(let proto) = attribute else { throw invalid("value must be a tensor") }
                let tensor = try attributeTensor(proto, "value")
                guard tensor.elementCount == 1 else { throw invalid("value must hold one element") }
                return tensor.reshaped([])
            } ?? Tensor(shape: [], floats: [0])
            return try lowerConstantOfShape(value: value)
        case "Shape": return try lowerShape()
        case "DFT": return try lowerDFT()
        case "STFT": return try lowerSTFT()
        case "Cast":
            let to = try int("to") ?? { throw invalid("attribute 'to' is required") }()
            guard let onnxType = TensorDataType(rawValue: Int32(clamping: to)), let target = DataType(onnx: onnxType) else {
                throw unsupported("cast to ONNX element type \(to)")
            }
            return try lowerCast(to: target)
        default:
            throw EngineError.unsupportedOp(node: name, opType: opType, domain: node.domain, opset: opset)
        }
    }

    /// The value of a `Constant` node, from whichever `value*` attribute it carries.
    func constantValue() throws -> Tensor {
        guard let attribute = node.attributes.first else { throw invalid("has no value") }
        switch attribute.value {
        case .tensor(let proto): return try attributeTensor(proto, attribute.name)
        case .float(let f): return Tensor(shape: [], floats: [f])
        case .floats(let f): return Tensor(shape: [f.count], floats: f)
        case .int(let i): return Tensor(shape: [], int64s: [i])
        case .ints(let i): return Tensor(shape: [i.count], int64s: i)
        default: throw unsupported("constant attribute '\(attribute.name)'")
        }
    }
}
