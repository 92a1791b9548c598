package io.pitgun.manifest.compiler;

import io.pitgun.manifest.formula.Expr;
import io.pitgun.manifest.formula.ExprVisitor;
import io.pitgun.manifest.formula.Operator;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.formula.PureFunction;
import io.pitgun.manifest.runtime.FormulaMath;
import io.pitgun.manifest.runtime.FormulaState;
import io.pitgun.manifest.runtime.FrameProgram;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Optional;

/**
 * Compiles a {@link ProgramPlan} to a hidden class implementing {@link FrameProgram}: straight-line bytecode that
 * reads each input slot once into locals, keeps a presence flag and a value local per expression node, writes the
 * derived slots, and holds the time functions' state objects in final fields (monomorphic calls the JIT inlines).
 *
 * <p>The translation mirrors the {@code Interpreter} node for node: the same evaluation order, the same laziness
 * of {@code ?:}, the same absence rules, the same {@link FormulaMath} calls and IEEE instructions, so results are
 * bit-identical (the differential property test checks it).
 *
 * <p>A plan is compiled only when its {@code onFrame} fits {@link #MAX_FRAME_METHOD_BYTES}, HotSpot's limit for
 * compiling a method at all (some hundreds of operators per manifest): a longer one would run in the JVM's bytecode
 * interpreter for good, far slower than the reference {@code Interpreter}, which the JIT does compile. Past it
 * {@link #tryCompile} says no, and the caller runs the interpreter (same results, bit for bit). The class file
 * format's own limit (64 KiB per method) is far above it, and a plan that is certainly too long is not generated at
 * all: generating a huge method (frames computed over every local) takes memory that grows with its square.
 */
public final class BytecodeCompiler
{
    private static final String CLASS_NAME = "io/pitgun/manifest/compiler/CompiledProgram";
    private static final String PROGRAM = Type.getInternalName(FrameProgram.class);
    private static final String VALUES = Type.getInternalName(FrameValues.class);
    private static final String MATH = Type.getInternalName(FormulaMath.class);
    private static final String STATES_DESCRIPTOR = "([" + Type.getDescriptor(FormulaState.class) + ")V";

    /**
     * The longest {@code onFrame}, in bytes of bytecode, that is compiled: HotSpot's {@code HugeMethodLimit} (8000;
     * with the default {@code DontCompileHugeMethods} the JIT compiles no longer method).
     */
    public static final int MAX_FRAME_METHOD_BYTES = 8000;
    /**
     * The fewest bytes of {@code onFrame} an expression node that is not a leaf takes: its presence and value locals
     * zeroed up front (two constants, two stores) and stored once it is evaluated (two stores), each store at least
     * two bytes. So a plan with more than {@code MAX_FRAME_METHOD_BYTES / MIN_BYTES_PER_NODE} such nodes is too long
     * before any is generated.
     */
    static final int MIN_BYTES_PER_NODE = 10;

    private BytecodeCompiler()
    {
    }

    /** A factory of program instances of one compiled plan; each instance has its own state. */
    public static final class CompiledClass
    {
        private final ProgramPlan plan;
        private final MethodHandle constructor;
        private final byte[] bytecode;

        private final int frameMethodBytes;

        private CompiledClass(final ProgramPlan plan, final MethodHandle constructor, final byte[] bytecode,
            final int frameMethodBytes)
        {
            this.plan = plan;
            this.constructor = constructor;
            this.bytecode = bytecode;
            this.frameMethodBytes = frameMethodBytes;
        }

        /** The length of the generated {@code onFrame}, in bytes of bytecode. */
        public int frameMethodBytes()
        {
            return frameMethodBytes;
        }

        /** A new program instance with fresh state. */
        public FrameProgram newProgram()
        {
            try
            {
                return (FrameProgram)constructor.invoke((Object)plan.newStates());
            }
            catch (final Throwable ex)
            {
                throw new IllegalStateException("cannot instantiate the compiled manifest", ex);
            }
        }

        /** The generated class file, for inspection (e.g. with ASM's Textifier). */
        public byte[] bytecode()
        {
            return bytecode.clone();
        }
    }

    /**
     * Generates and defines the hidden class of a plan, whatever the length of its {@code onFrame} (tests; a plan
     * past the class file's limit throws ASM's {@code MethodTooLargeException}).
     */
    public static CompiledClass compile(final ProgramPlan plan)
    {
        final Generated generated = generate(plan);
        return define(plan, generated);
    }

    /**
     * The hidden class of a plan, or empty when its {@code onFrame} would be longer than
     * {@link #MAX_FRAME_METHOD_BYTES}: the caller runs the interpreter instead.
     */
    public static Optional<CompiledClass> tryCompile(final ProgramPlan plan)
    {
        if (nonLeafNodes(plan) > MAX_FRAME_METHOD_BYTES / MIN_BYTES_PER_NODE)
        {
            return Optional.empty();
        }
        final Generated generated;
        try
        {
            generated = generate(plan);
        }
        catch (final MethodTooLargeException ex)
        {
            return Optional.empty();
        }
        return generated.frameMethodBytes > MAX_FRAME_METHOD_BYTES ? Optional.empty() :
            Optional.of(define(plan, generated));
    }

    /** The expression nodes {@code onFrame} keeps locals for, counted as the generator allocates them. */
    static int nonLeafNodes(final ProgramPlan plan)
    {
        int count = 0;
        for (final ProgramPlan.Step step : plan.steps())
        {
            count += nonLeafNodes(step.expr());
        }
        return count;
    }

    private static int nonLeafNodes(final Expr expr)
    {
        int count = FrameMethodGenerator.isLeaf(expr) ? 0 : 1;
        for (final Expr child : expr.children())
        {
            count += nonLeafNodes(child);
        }
        return count;
    }

    private static CompiledClass define(final ProgramPlan plan, final Generated generated)
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(generated.bytecode, true);
            final MethodHandle constructor = lookup.findConstructor(lookup.lookupClass(),
                MethodType.methodType(void.class, FormulaState[].class));
            return new CompiledClass(plan, constructor, generated.bytecode, generated.frameMethodBytes);
        }
        catch (final IllegalAccessException | NoSuchMethodException ex)
        {
            throw new IllegalStateException("cannot define the compiled manifest class", ex);
        }
    }

    /** A generated class file and the length of its {@code onFrame}. */
    private record Generated(byte[] bytecode, int frameMethodBytes)
    {
    }

    private static Generated generate(final ProgramPlan plan)
    {
        final ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS)
        {
            @Override
            protected String getCommonSuperClass(final String type1, final String type2)
            {
                return "java/lang/Object";
            }
        };
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, CLASS_NAME, null,
            "java/lang/Object", new String[] {PROGRAM});
        final List<Expr.TimeCall> timeCalls = plan.timeCalls();
        for (final Expr.TimeCall call : timeCalls)
        {
            writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, stateField(call), stateDescriptor(call),
                null, null).visitEnd();
        }
        generateConstructor(writer, timeCalls);
        generateReset(writer, timeCalls);
        final int frameMethodBytes = new FrameMethodGenerator(plan, writer.visitMethod(Opcodes.ACC_PUBLIC, "onFrame",
            "(L" + VALUES + ";L" + VALUES + ";)Z", null, null)).generate();
        writer.visitEnd();
        return new Generated(writer.toByteArray(), frameMethodBytes);
    }

    private static void generateConstructor(final ClassWriter writer, final List<Expr.TimeCall> timeCalls)
    {
        final MethodVisitor mv = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", STATES_DESCRIPTOR, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        for (final Expr.TimeCall call : timeCalls)
        {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitLdcInsn(call.stateIndex());
            mv.visitInsn(Opcodes.AALOAD);
            mv.visitTypeInsn(Opcodes.CHECKCAST, stateOwner(call));
            mv.visitFieldInsn(Opcodes.PUTFIELD, CLASS_NAME, stateField(call), stateDescriptor(call));
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void generateReset(final ClassWriter writer, final List<Expr.TimeCall> timeCalls)
    {
        final MethodVisitor mv = writer.visitMethod(Opcodes.ACC_PUBLIC, "reset", "()V", null, null);
        mv.visitCode();
        for (final Expr.TimeCall call : timeCalls)
        {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, CLASS_NAME, stateField(call), stateDescriptor(call));
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, stateOwner(call), "reset", "()V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    static String stateField(final Expr.TimeCall call)
    {
        return "state" + call.stateIndex();
    }

    static String stateOwner(final Expr.TimeCall call)
    {
        return Type.getInternalName(ProgramPlan.stateClass(call.function()));
    }

    static String stateDescriptor(final Expr.TimeCall call)
    {
        return "L" + stateOwner(call) + ";";
    }

    /** Generates {@code onFrame}: one instance per method, holding the local-variable layout. */
    private static final class FrameMethodGenerator implements ExprVisitor
    {
        private static final int IN = 1;
        private static final int OUT = 2;
        private static final int TIMESTAMP = 3;

        private final ProgramPlan plan;
        private final MethodVisitor mv;
        private final int[] inputPresence;
        private final int[] inputValue;
        private final int[] derivedPresence;
        private final int[] derivedValue;
        private final int[] nodePresence;
        private final int[] nodeValue;
        private int nextLocal = TIMESTAMP + 2;

        FrameMethodGenerator(final ProgramPlan plan, final MethodVisitor mv)
        {
            this.plan = plan;
            this.mv = mv;
            inputPresence = new int[plan.inputs().size()];
            inputValue = new int[plan.inputs().size()];
            derivedPresence = new int[plan.derived().size()];
            derivedValue = new int[plan.derived().size()];
            nodePresence = new int[plan.nodeCount()];
            nodeValue = new int[plan.nodeCount()];
        }

        /** @return the method's length in bytes of bytecode. */
        int generate()
        {
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, IN);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "timestampUs", "()J", false);
            mv.visitVarInsn(Opcodes.LSTORE, TIMESTAMP);
            readInputs();
            for (final ProgramPlan.Derived derived : plan.derived())
            {
                derivedPresence[derived.index()] = allocateZeroed(ValueKind.BOOLEAN);
                derivedValue[derived.index()] = allocateZeroed(derived.kind());
            }
            for (final ProgramPlan.Step step : plan.steps())
            {
                allocateNodes(step.expr());
            }
            final Label dropped = new Label();
            for (final ProgramPlan.Step step : plan.steps())
            {
                for (final Expr.TimeCall call : step.timeCalls())
                {
                    updateTimeCall(call);
                }
                final Expr expr = step.expr();
                emit(expr);
                if (step instanceof ProgramPlan.Where)
                {
                    loadPresence(expr);
                    mv.visitJumpInsn(Opcodes.IFEQ, dropped);
                    loadValue(expr);
                    mv.visitJumpInsn(Opcodes.IFEQ, dropped);
                }
                else
                {
                    writeDerived(((ProgramPlan.Derive)step).derivedIndex(), expr);
                }
            }
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitLabel(dropped);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitInsn(Opcodes.IRETURN);
            final Label end = new Label();
            mv.visitLabel(end);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            return end.getOffset();
        }

        private void readInputs()
        {
            for (final ProgramPlan.Input input : plan.inputs())
            {
                final int slot = input.slot();
                inputPresence[slot] = allocate(ValueKind.BOOLEAN);
                inputValue[slot] = allocate(input.kind());
                mv.visitVarInsn(Opcodes.ALOAD, IN);
                mv.visitLdcInsn(slot);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "isPresent", "(I)Z", false);
                mv.visitVarInsn(Opcodes.ISTORE, inputPresence[slot]);
                mv.visitVarInsn(Opcodes.ALOAD, IN);
                mv.visitLdcInsn(slot);
                switch (input.kind())
                {
                    case DOUBLE:
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "doubleValue", "(I)D", false);
                        break;
                    case LONG:
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "longValue", "(I)J", false);
                        break;
                    default:
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "booleanValue", "(I)Z", false);
                        break;
                }
                mv.visitVarInsn(storeOpcode(input.kind()), inputValue[slot]);
            }
        }

        private void allocateNodes(final Expr expr)
        {
            for (final Expr child : expr.children())
            {
                allocateNodes(child);
            }
            if (!isLeaf(expr))
            {
                nodePresence[expr.id()] = allocateZeroed(ValueKind.BOOLEAN);
                nodeValue[expr.id()] = allocateZeroed(expr.kind());
            }
        }

        static boolean isLeaf(final Expr expr)
        {
            return expr instanceof Expr.Constant || expr instanceof Expr.InputRead ||
                expr instanceof Expr.DerivedRead || expr instanceof Expr.TimestampRead;
        }

        private int allocate(final ValueKind kind)
        {
            final int local = nextLocal;
            nextLocal += kind == ValueKind.BOOLEAN ? 1 : 2;
            return local;
        }

        /** Locals are zeroed up front so that every path leaves them definitely assigned for the verifier. */
        private int allocateZeroed(final ValueKind kind)
        {
            final int local = allocate(kind);
            switch (kind)
            {
                case DOUBLE:
                    mv.visitInsn(Opcodes.DCONST_0);
                    break;
                case LONG:
                    mv.visitInsn(Opcodes.LCONST_0);
                    break;
                default:
                    mv.visitInsn(Opcodes.ICONST_0);
                    break;
            }
            mv.visitVarInsn(storeOpcode(kind), local);
            return local;
        }

        private void writeDerived(final int index, final Expr expr)
        {
            final ProgramPlan.Derived channel = plan.derived().get(index);
            loadPresence(expr);
            mv.visitVarInsn(Opcodes.ISTORE, derivedPresence[index]);
            loadValue(expr);
            if (expr.kind() == ValueKind.DOUBLE && channel.narrowsToFloat())
            {
                // An f32 channel: the output and later formulas read what the sample holds (the interpreter's cast).
                mv.visitInsn(Opcodes.D2F);
                mv.visitInsn(Opcodes.F2D);
            }
            mv.visitVarInsn(storeOpcode(expr.kind()), derivedValue[index]);
            final Label absent = new Label();
            final Label done = new Label();
            mv.visitVarInsn(Opcodes.ILOAD, derivedPresence[index]);
            mv.visitJumpInsn(Opcodes.IFEQ, absent);
            final Label outOfType = new Label();
            if (expr.kind() == ValueKind.LONG && channel.isBounded())
            {
                // value < min or value > max: the declared type cannot hold it (ProgramPlan.Derived)
                mv.visitVarInsn(Opcodes.LLOAD, derivedValue[index]);
                mv.visitLdcInsn(channel.min());
                mv.visitInsn(Opcodes.LCMP);
                mv.visitJumpInsn(Opcodes.IFLT, outOfType);
                mv.visitVarInsn(Opcodes.LLOAD, derivedValue[index]);
                mv.visitLdcInsn(channel.max());
                mv.visitInsn(Opcodes.LCMP);
                mv.visitJumpInsn(Opcodes.IFGT, outOfType);
            }
            mv.visitVarInsn(Opcodes.ALOAD, OUT);
            mv.visitLdcInsn(index);
            mv.visitVarInsn(loadOpcode(expr.kind()), derivedValue[index]);
            switch (expr.kind())
            {
                case DOUBLE:
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "putDouble", "(ID)V", false);
                    break;
                case LONG:
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "putLong", "(IJ)V", false);
                    break;
                default:
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "putBoolean", "(IZ)V", false);
                    break;
            }
            mv.visitJumpInsn(Opcodes.GOTO, done);
            if (expr.kind() == ValueKind.LONG && channel.isBounded())
            {
                // Later formulas read the channel as the output has it: absent.
                mv.visitLabel(outOfType);
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitVarInsn(Opcodes.ISTORE, derivedPresence[index]);
                mv.visitVarInsn(Opcodes.ALOAD, OUT);
                mv.visitLdcInsn(index);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "putOutOfType", "(I)V", false);
                mv.visitJumpInsn(Opcodes.GOTO, done);
            }
            mv.visitLabel(absent);
            mv.visitVarInsn(Opcodes.ALOAD, OUT);
            mv.visitLdcInsn(index);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, VALUES, "putAbsent", "(I)V", false);
            mv.visitLabel(done);
        }

        private void updateTimeCall(final Expr.TimeCall call)
        {
            final Expr argument = call.argument();
            emit(argument);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, CLASS_NAME, stateField(call), stateDescriptor(call));
            loadPresence(argument);
            loadValue(argument);
            if (argument.kind() == ValueKind.BOOLEAN)
            {
                mv.visitInsn(Opcodes.I2L);
            }
            mv.visitVarInsn(Opcodes.LLOAD, TIMESTAMP);
            if (argument.kind() == ValueKind.DOUBLE)
            {
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, stateOwner(call), "onDouble", "(ZDJ)Z", false);
            }
            else
            {
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, stateOwner(call), "onLong", "(ZJJ)Z", false);
            }
            mv.visitVarInsn(Opcodes.ISTORE, nodePresence[call.id()]);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, CLASS_NAME, stateField(call), stateDescriptor(call));
            if (call.kind() == ValueKind.DOUBLE)
            {
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, stateOwner(call), "doubleValue", "()D", false);
            }
            else
            {
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, stateOwner(call), "longValue", "()J", false);
                if (call.kind() == ValueKind.BOOLEAN)
                {
                    mv.visitInsn(Opcodes.L2I);
                }
            }
            mv.visitVarInsn(storeOpcode(call.kind()), nodeValue[call.id()]);
        }

        private void emit(final Expr expr)
        {
            expr.accept(this);
        }

        // Leaves have no code of their own: loadPresence and loadValue read them where they are used.
        @Override
        public void visitConstant(final Expr.Constant constant)
        {
        }

        @Override
        public void visitInputRead(final Expr.InputRead read)
        {
        }

        @Override
        public void visitDerivedRead(final Expr.DerivedRead read)
        {
        }

        @Override
        public void visitTimestampRead(final Expr.TimestampRead read)
        {
        }

        @Override
        public void visitTimeCall(final Expr.TimeCall call)
        {
            // Emitted (argument, state update) before the step's expression; here its register is only read.
        }

        @Override
        public void visitToDouble(final Expr.ToDouble toDouble)
        {
            final Expr operand = toDouble.operand();
            emit(operand);
            loadPresence(operand);
            storePresence(toDouble);
            loadValue(operand);
            mv.visitInsn(Opcodes.L2D);
            storeValue(toDouble);
        }

        @Override
        public void visitUnary(final Expr.Unary unary)
        {
            final Expr operand = unary.operand();
            emit(operand);
            loadPresence(operand);
            storePresence(unary);
            loadValue(operand);
            if (unary.operator() == Operator.NOT)
            {
                mv.visitInsn(Opcodes.ICONST_1);
                mv.visitInsn(Opcodes.IXOR);
            }
            else
            {
                mv.visitInsn(unary.kind() == ValueKind.LONG ? Opcodes.LNEG : Opcodes.DNEG);
            }
            storeValue(unary);
        }

        @Override
        public void visitBinary(final Expr.Binary binary)
        {
            final Expr left = binary.left();
            final Expr right = binary.right();
            emit(left);
            emit(right);
            final Label absent = new Label();
            final Label done = new Label();
            jumpIfAbsent(left, absent);
            jumpIfAbsent(right, absent);
            final Operator operator = binary.operator();
            final ValueKind operandKind = binary.operandKind();
            if (operandKind == ValueKind.LONG && operator == Operator.REMAINDER)
            {
                jumpIfZeroLong(right, absent);
            }
            loadValue(left);
            loadValue(right);
            if (operandKind == ValueKind.BOOLEAN)
            {
                booleanOperation(operator);
            }
            else if (operator.isComparison())
            {
                comparison(operator, operandKind);
            }
            else if (operandKind == ValueKind.LONG)
            {
                mv.visitInsn(longOpcode(operator));
            }
            else if (operator == Operator.POWER)
            {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, MATH, "pow", "(DD)D", false);
            }
            else
            {
                mv.visitInsn(doubleOpcode(operator));
            }
            storeValue(binary);
            presentAndDone(binary, absent, done);
        }

        private void booleanOperation(final Operator operator)
        {
            switch (operator)
            {
                case AND:
                    mv.visitInsn(Opcodes.IAND);
                    break;
                case OR:
                    mv.visitInsn(Opcodes.IOR);
                    break;
                case EQUAL:
                    pushComparison(Opcodes.IF_ICMPEQ);
                    break;
                default:
                    pushComparison(Opcodes.IF_ICMPNE);
                    break;
            }
        }

        /**
         * Comparison of two doubles or longs on the stack, leaving 0 or 1. For doubles, DCMPG is used where NaN must
         * make the result false for {@code <} and {@code <=}, DCMPL for {@code >} and {@code >=}, as javac does.
         */
        private void comparison(final Operator operator, final ValueKind kind)
        {
            if (kind == ValueKind.LONG)
            {
                mv.visitInsn(Opcodes.LCMP);
            }
            else
            {
                final boolean lessThan = operator == Operator.LESS || operator == Operator.LESS_EQUAL;
                mv.visitInsn(lessThan ? Opcodes.DCMPG : Opcodes.DCMPL);
            }
            switch (operator)
            {
                case LESS:
                    pushComparison(Opcodes.IFLT);
                    break;
                case LESS_EQUAL:
                    pushComparison(Opcodes.IFLE);
                    break;
                case GREATER:
                    pushComparison(Opcodes.IFGT);
                    break;
                case GREATER_EQUAL:
                    pushComparison(Opcodes.IFGE);
                    break;
                case EQUAL:
                    pushComparison(Opcodes.IFEQ);
                    break;
                default:
                    pushComparison(Opcodes.IFNE);
                    break;
            }
        }

        /** Consumes the operands of a conditional jump and pushes 1 when it would jump, else 0. */
        private void pushComparison(final int jumpOpcode)
        {
            final Label isTrue = new Label();
            final Label end = new Label();
            mv.visitJumpInsn(jumpOpcode, isTrue);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitJumpInsn(Opcodes.GOTO, end);
            mv.visitLabel(isTrue);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitLabel(end);
        }

        @Override
        public void visitConditional(final Expr.Conditional conditional)
        {
            final Expr condition = conditional.condition();
            emit(condition);
            final Label absent = new Label();
            final Label otherwise = new Label();
            final Label done = new Label();
            jumpIfAbsent(condition, absent);
            loadValue(condition);
            mv.visitJumpInsn(Opcodes.IFEQ, otherwise);
            copyBranch(conditional.whenTrue(), conditional);
            mv.visitJumpInsn(Opcodes.GOTO, done);
            mv.visitLabel(otherwise);
            copyBranch(conditional.whenFalse(), conditional);
            mv.visitJumpInsn(Opcodes.GOTO, done);
            mv.visitLabel(absent);
            mv.visitInsn(Opcodes.ICONST_0);
            storePresence(conditional);
            mv.visitLabel(done);
        }

        private void copyBranch(final Expr branch, final Expr target)
        {
            emit(branch);
            loadPresence(branch);
            storePresence(target);
            loadValue(branch);
            storeValue(target);
        }

        @Override
        public void visitCall(final Expr.Call call)
        {
            final List<Expr> arguments = call.arguments();
            for (final Expr argument : arguments)
            {
                emit(argument);
            }
            final Label absent = new Label();
            final Label done = new Label();
            for (final Expr argument : arguments)
            {
                jumpIfAbsent(argument, absent);
            }
            final PureFunction function = call.function();
            if (function == PureFunction.IDIV)
            {
                jumpIfZeroLong(arguments.get(1), absent);
            }
            for (final Expr argument : arguments)
            {
                loadValue(argument);
            }
            if (function == PureFunction.IDIV)
            {
                mv.visitInsn(Opcodes.LDIV);
            }
            else
            {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, MATH, function.functionName(), function.descriptor(), false);
            }
            storeValue(call);
            presentAndDone(call, absent, done);
        }

        @Override
        public void visitDefault(final Expr.Default defaultOf)
        {
            final Expr value = defaultOf.value();
            final Expr fallback = defaultOf.fallback();
            emit(value);
            emit(fallback);
            final Label useFallback = new Label();
            final Label done = new Label();
            jumpIfAbsent(value, useFallback);
            mv.visitInsn(Opcodes.ICONST_1);
            storePresence(defaultOf);
            loadValue(value);
            storeValue(defaultOf);
            mv.visitJumpInsn(Opcodes.GOTO, done);
            mv.visitLabel(useFallback);
            loadPresence(fallback);
            storePresence(defaultOf);
            loadValue(fallback);
            storeValue(defaultOf);
            mv.visitLabel(done);
        }

        /** After the value was stored: presence 1 and jump to done; the absent label stores presence 0. */
        private void presentAndDone(final Expr expr, final Label absent, final Label done)
        {
            mv.visitInsn(Opcodes.ICONST_1);
            storePresence(expr);
            mv.visitJumpInsn(Opcodes.GOTO, done);
            mv.visitLabel(absent);
            mv.visitInsn(Opcodes.ICONST_0);
            storePresence(expr);
            mv.visitLabel(done);
        }

        private void jumpIfAbsent(final Expr expr, final Label absent)
        {
            if (expr instanceof Expr.Constant || expr instanceof Expr.TimestampRead)
            {
                return;
            }
            loadPresence(expr);
            mv.visitJumpInsn(Opcodes.IFEQ, absent);
        }

        private void jumpIfZeroLong(final Expr expr, final Label absent)
        {
            loadValue(expr);
            mv.visitInsn(Opcodes.LCONST_0);
            mv.visitInsn(Opcodes.LCMP);
            mv.visitJumpInsn(Opcodes.IFEQ, absent);
        }

        private void loadPresence(final Expr expr)
        {
            if (expr instanceof Expr.Constant || expr instanceof Expr.TimestampRead)
            {
                mv.visitInsn(Opcodes.ICONST_1);
            }
            else if (expr instanceof Expr.InputRead)
            {
                mv.visitVarInsn(Opcodes.ILOAD, inputPresence[((Expr.InputRead)expr).slot()]);
            }
            else if (expr instanceof Expr.DerivedRead)
            {
                mv.visitVarInsn(Opcodes.ILOAD, derivedPresence[((Expr.DerivedRead)expr).index()]);
            }
            else
            {
                mv.visitVarInsn(Opcodes.ILOAD, nodePresence[expr.id()]);
            }
        }

        private void loadValue(final Expr expr)
        {
            if (expr instanceof Expr.Constant)
            {
                final Expr.Constant constant = (Expr.Constant)expr;
                switch (expr.kind())
                {
                    case DOUBLE:
                        mv.visitLdcInsn(constant.doubleValue());
                        break;
                    case LONG:
                        mv.visitLdcInsn(constant.longValue());
                        break;
                    default:
                        mv.visitInsn(constant.booleanValue() ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
                        break;
                }
            }
            else if (expr instanceof Expr.TimestampRead)
            {
                mv.visitVarInsn(Opcodes.LLOAD, TIMESTAMP);
            }
            else if (expr instanceof Expr.InputRead)
            {
                mv.visitVarInsn(loadOpcode(expr.kind()), inputValue[((Expr.InputRead)expr).slot()]);
            }
            else if (expr instanceof Expr.DerivedRead)
            {
                mv.visitVarInsn(loadOpcode(expr.kind()), derivedValue[((Expr.DerivedRead)expr).index()]);
            }
            else
            {
                mv.visitVarInsn(loadOpcode(expr.kind()), nodeValue[expr.id()]);
            }
        }

        private void storePresence(final Expr expr)
        {
            mv.visitVarInsn(Opcodes.ISTORE, nodePresence[expr.id()]);
        }

        private void storeValue(final Expr expr)
        {
            mv.visitVarInsn(storeOpcode(expr.kind()), nodeValue[expr.id()]);
        }

        private static int loadOpcode(final ValueKind kind)
        {
            return kind == ValueKind.DOUBLE ? Opcodes.DLOAD : kind == ValueKind.LONG ? Opcodes.LLOAD : Opcodes.ILOAD;
        }

        private static int storeOpcode(final ValueKind kind)
        {
            return kind == ValueKind.DOUBLE ? Opcodes.DSTORE : kind == ValueKind.LONG ? Opcodes.LSTORE :
                Opcodes.ISTORE;
        }

        private static int longOpcode(final Operator operator)
        {
            switch (operator)
            {
                case ADD: return Opcodes.LADD;
                case SUBTRACT: return Opcodes.LSUB;
                case MULTIPLY: return Opcodes.LMUL;
                case REMAINDER: return Opcodes.LREM;
                default: throw new IllegalArgumentException(operator.name());
            }
        }

        private static int doubleOpcode(final Operator operator)
        {
            switch (operator)
            {
                case ADD: return Opcodes.DADD;
                case SUBTRACT: return Opcodes.DSUB;
                case MULTIPLY: return Opcodes.DMUL;
                case DIVIDE: return Opcodes.DDIV;
                case REMAINDER: return Opcodes.DREM;
                default: throw new IllegalArgumentException(operator.name());
            }
        }
    }
}
