import { Route, Routes } from 'react-router';
import { RequireAdmin, RequireAuth } from './guards';
import { Layout } from './layout';
import { AdminHomePage } from './routes/admin/home';
import { AdminOrderPage } from './routes/admin/order';
import { AdminLayout } from './routes/admin/layout';
import { AdminOrdersPage } from './routes/admin/orders';
import { AdminProductsPage } from './routes/admin/products';
import { DashboardPage } from './routes/admin/dashboard';
import { OperationsPage } from './routes/admin/operations';
import { MovementsPage } from './routes/admin/movements';
import { WebhookPage } from './routes/admin/webhook';
import { WebhooksPage } from './routes/admin/webhooks';
import { CartPage } from './routes/cart';
import { CatalogPage } from './routes/catalog';
import { LoginPage } from './routes/login';
import { MyOrdersPage } from './routes/my-orders';
import { NotFoundPage } from './routes/not-found';
import { OrderPage } from './routes/order';
import { ProductPage } from './routes/product';
import { RegisterPage } from './routes/register';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<CatalogPage />} />
        <Route path="products/:sku" element={<ProductPage />} />
        <Route path="cart" element={<CartPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="orders" element={<RequireAuth><MyOrdersPage /></RequireAuth>} />
        <Route path="orders/:id" element={<RequireAuth><OrderPage /></RequireAuth>} />
        <Route path="admin" element={<RequireAdmin><AdminLayout /></RequireAdmin>}>
          <Route index element={<AdminHomePage />} />
          <Route path="orders" element={<AdminOrdersPage />} />
          <Route path="orders/:id" element={<AdminOrderPage />} />
          <Route path="products" element={<AdminProductsPage />} />
          <Route path="products/:sku/movements" element={<MovementsPage />} />
          <Route path="dashboard" element={<DashboardPage />} />
          <Route path="operations" element={<OperationsPage />} />
          <Route path="webhooks" element={<WebhooksPage />} />
          <Route path="webhooks/:id" element={<WebhookPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
