-- CreateEnum
CREATE TYPE "token_scope" AS ENUM ('admin', 'user', 'agent');

-- CreateEnum
CREATE TYPE "model_file_role" AS ENUM ('model', 'weights');

-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'errored', 'cancelled');

-- CreateEnum
CREATE TYPE "job_kind" AS ENUM ('convert', 'build', 'validate', 'benchmark', 'tune');

-- CreateEnum
CREATE TYPE "job_status" AS ENUM ('pending', 'queued', 'running', 'succeeded', 'failed', 'errored', 'cancelled');

-- CreateEnum
CREATE TYPE "log_stream" AS ENUM ('stdout', 'stderr', 'system');

-- CreateEnum
CREATE TYPE "device_kind" AS ENUM ('host', 'android', 'linux');

-- CreateEnum
CREATE TYPE "device_state" AS ENUM ('available', 'busy', 'offline', 'unauthorized', 'quarantined');

-- CreateEnum
CREATE TYPE "artifact_kind" AS ENUM ('model_graph', 'model_data', 'reference_outputs', 'coverage', 'library', 'binary', 'tuned_binary', 'tuned_parameters', 'log', 'outputs', 'other');

-- CreateEnum
CREATE TYPE "delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" "token_scope" NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "prefix" TEXT NOT NULL,
    "user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_files" (
    "id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "size" BIGINT NOT NULL,
    "original_filename" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "library_name" TEXT NOT NULL,
    "yaml" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment_models" (
    "deployment_id" UUID NOT NULL,
    "model_tag" TEXT NOT NULL,
    "role" "model_file_role" NOT NULL DEFAULT 'model',
    "model_file_id" UUID NOT NULL,

    CONSTRAINT "deployment_models_pkey" PRIMARY KEY ("deployment_id","model_tag","role")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "actions" "job_kind"[],
    "device_selector" JSONB NOT NULL DEFAULT '{}',
    "options" JSONB NOT NULL DEFAULT '{}',
    "idempotency_key" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "kind" "job_kind" NOT NULL,
    "status" "job_status" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 3,
    "idempotency_key" TEXT NOT NULL,
    "device_id" UUID,
    "abi" TEXT,
    "model_tag" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "lease_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_dependencies" (
    "job_id" UUID NOT NULL,
    "depends_on_id" UUID NOT NULL,

    CONSTRAINT "job_dependencies_pkey" PRIMARY KEY ("job_id","depends_on_id")
);

-- CreateTable
CREATE TABLE "job_logs" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID,
    "run_id" UUID NOT NULL,
    "stream" "log_stream" NOT NULL,
    "text" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL,
    "serial" TEXT NOT NULL,
    "kind" "device_kind" NOT NULL,
    "abis" TEXT[],
    "soc" TEXT,
    "model" TEXT,
    "state" "device_state" NOT NULL DEFAULT 'offline',
    "agent_token_id" UUID,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "size" BIGINT NOT NULL,
    "kind" "artifact_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL DEFAULT 'application/octet-stream',
    "run_id" UUID,
    "job_id" UUID,
    "device_id" UUID,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "storage_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "benchmark_results" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "device_id" UUID,
    "model_tag" TEXT NOT NULL,
    "init_ms" DOUBLE PRECISION NOT NULL,
    "first_ms" DOUBLE PRECISION NOT NULL,
    "min_ms" DOUBLE PRECISION NOT NULL,
    "median_ms" DOUBLE PRECISION NOT NULL,
    "p90_ms" DOUBLE PRECISION NOT NULL,
    "p99_ms" DOUBLE PRECISION NOT NULL,
    "max_ms" DOUBLE PRECISION NOT NULL,
    "mean_ms" DOUBLE PRECISION NOT NULL,
    "std_ms" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,
    "peak_rss_kb" INTEGER NOT NULL,
    "macs" BIGINT NOT NULL,
    "threads" INTEGER NOT NULL,
    "raw" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "benchmark_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "op_stats" (
    "result_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "start_ms" DOUBLE PRECISION NOT NULL,
    "avg_ms" DOUBLE PRECISION NOT NULL,
    "pct" DOUBLE PRECISION NOT NULL,
    "cdf_pct" DOUBLE PRECISION NOT NULL,
    "macs" BIGINT NOT NULL,
    "gmacps" DOUBLE PRECISION NOT NULL,
    "output_shape" JSONB NOT NULL,

    CONSTRAINT "op_stats_pkey" PRIMARY KEY ("result_id","index")
);

-- CreateTable
CREATE TABLE "op_type_stats" (
    "result_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "avg_ms" DOUBLE PRECISION NOT NULL,
    "pct" DOUBLE PRECISION NOT NULL,
    "cdf_pct" DOUBLE PRECISION NOT NULL,
    "macs" BIGINT NOT NULL,
    "gmacps" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "op_type_stats_pkey" PRIMARY KEY ("result_id","type")
);

-- CreateTable
CREATE TABLE "validation_results" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "device_id" UUID,
    "model_tag" TEXT NOT NULL,
    "output" TEXT NOT NULL,
    "cosine" DOUBLE PRECISION NOT NULL,
    "sqnr_db" DOUBLE PRECISION,
    "pixel_accuracy" DOUBLE PRECISION NOT NULL,
    "max_abs_error" DOUBLE PRECISION NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "validation_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_name_key" ON "users"("name");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "model_files_sha256_key" ON "model_files"("sha256");

-- CreateIndex
CREATE INDEX "deployments_library_name_idx" ON "deployments"("library_name");

-- CreateIndex
CREATE INDEX "deployments_created_at_idx" ON "deployments"("created_at");

-- CreateIndex
CREATE INDEX "deployment_models_model_file_id_idx" ON "deployment_models"("model_file_id");

-- CreateIndex
CREATE INDEX "runs_status_created_at_idx" ON "runs"("status", "created_at");

-- CreateIndex
CREATE INDEX "runs_created_at_idx" ON "runs"("created_at");

-- CreateIndex
CREATE INDEX "runs_deployment_id_idx" ON "runs"("deployment_id");

-- CreateIndex
CREATE UNIQUE INDEX "runs_created_by_id_idempotency_key_key" ON "runs"("created_by_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_idempotency_key_key" ON "jobs"("idempotency_key");

-- CreateIndex
CREATE INDEX "jobs_run_id_status_idx" ON "jobs"("run_id", "status");

-- CreateIndex
CREATE INDEX "jobs_status_lease_expires_at_idx" ON "jobs"("status", "lease_expires_at");

-- CreateIndex
CREATE INDEX "jobs_device_id_status_idx" ON "jobs"("device_id", "status");

-- CreateIndex
CREATE INDEX "job_dependencies_depends_on_id_idx" ON "job_dependencies"("depends_on_id");

-- CreateIndex
CREATE INDEX "job_logs_run_id_id_idx" ON "job_logs"("run_id", "id");

-- CreateIndex
CREATE INDEX "job_logs_job_id_id_idx" ON "job_logs"("job_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "devices_serial_key" ON "devices"("serial");

-- CreateIndex
CREATE INDEX "devices_state_idx" ON "devices"("state");

-- CreateIndex
CREATE INDEX "devices_agent_token_id_idx" ON "devices"("agent_token_id");

-- CreateIndex
CREATE INDEX "artifacts_sha256_idx" ON "artifacts"("sha256");

-- CreateIndex
CREATE INDEX "artifacts_run_id_kind_idx" ON "artifacts"("run_id", "kind");

-- CreateIndex
CREATE INDEX "artifacts_job_id_idx" ON "artifacts"("job_id");

-- CreateIndex
CREATE INDEX "artifacts_device_id_kind_idx" ON "artifacts"("device_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "benchmark_results_job_id_key" ON "benchmark_results"("job_id");

-- CreateIndex
CREATE INDEX "benchmark_results_run_id_idx" ON "benchmark_results"("run_id");

-- CreateIndex
CREATE INDEX "benchmark_results_device_id_model_tag_created_at_idx" ON "benchmark_results"("device_id", "model_tag", "created_at");

-- CreateIndex
CREATE INDEX "validation_results_run_id_idx" ON "validation_results"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "validation_results_job_id_output_key" ON "validation_results"("job_id", "output");

-- CreateIndex
CREATE INDEX "webhooks_active_idx" ON "webhooks"("active");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_created_at_idx" ON "webhook_deliveries"("webhook_id", "created_at");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_files" ADD CONSTRAINT "model_files_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment_models" ADD CONSTRAINT "deployment_models_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment_models" ADD CONSTRAINT "deployment_models_model_file_id_fkey" FOREIGN KEY ("model_file_id") REFERENCES "model_files"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_dependencies" ADD CONSTRAINT "job_dependencies_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_dependencies" ADD CONSTRAINT "job_dependencies_depends_on_id_fkey" FOREIGN KEY ("depends_on_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_logs" ADD CONSTRAINT "job_logs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_logs" ADD CONSTRAINT "job_logs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_agent_token_id_fkey" FOREIGN KEY ("agent_token_id") REFERENCES "api_tokens"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "benchmark_results" ADD CONSTRAINT "benchmark_results_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "benchmark_results" ADD CONSTRAINT "benchmark_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "benchmark_results" ADD CONSTRAINT "benchmark_results_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "op_stats" ADD CONSTRAINT "op_stats_result_id_fkey" FOREIGN KEY ("result_id") REFERENCES "benchmark_results"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "op_type_stats" ADD CONSTRAINT "op_type_stats_result_id_fkey" FOREIGN KEY ("result_id") REFERENCES "benchmark_results"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "validation_results" ADD CONSTRAINT "validation_results_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "validation_results" ADD CONSTRAINT "validation_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "validation_results" ADD CONSTRAINT "validation_results_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
